import { ask } from './dialogs.ts'
import { $, $$, announce, ApiError, field, guard, must, send, showProblem } from './page.ts'

// A site's own pages for owners: the embed code to copy, the rules, a new site, the origins,
// the install check's "Allow it", and deleting the site.

const lineList = (value: string) =>
  value
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)

/** Copy buttons: the embed code, a token, a secret. */
export function setUpCopyButtons(): void {
  for (const button of $$('[data-copy]')) {
    const status = $('#copy-status')
    let timer: ReturnType<typeof setTimeout> | undefined
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copy ?? '')
      if (!source || !status) return
      try {
        await navigator.clipboard.writeText(source.textContent ?? '')
        status.textContent = 'Copied'
      } catch {
        // Without clipboard access, select the text so the reader can copy it themselves.
        getSelection()?.selectAllChildren(source)
        status.textContent = 'Selected: press Ctrl+C (⌘+C on a Mac) to copy'
      }
      clearTimeout(timer)
      timer = setTimeout(() => (status.textContent = ''), 5000)
    })
  }
}

/** The label's own words for a field, for a message about it. */
const labelOf = (input: HTMLElement & { name: string }) => input.closest('label')?.firstChild?.textContent?.trim() ?? input.name

/** A form whose fields are checked by the browser's rules first, then sent by `handler`; the button waits. */
function onSubmit(form: HTMLFormElement | null, handler: (form: HTMLFormElement) => Promise<void>): void {
  form?.addEventListener('submit', (event) => {
    event.preventDefault()
    for (const input of $$<HTMLInputElement | HTMLTextAreaElement>('input, textarea', form))
      if (!input.checkValidity()) {
        input.focus()
        return showProblem(`${labelOf(input)}: ${input.validationMessage}`)
      }
    const button = must<HTMLButtonElement>('button[type=submit]', form)
    button.disabled = true
    guard(
      handler(form)
        .then(() => showProblem(''))
        .finally(() => (button.disabled = false)),
    )
  })
}

/** Sends, and when the server asks to confirm (409), asks the owner with its words, then sends again confirmed. */
async function sendConfirming<T>(method: string, path: string, body: object, action: string): Promise<T | undefined> {
  try {
    return await send<T>(method, path, body)
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'confirmation_required') throw error
    const yes = await ask(must<HTMLDialogElement>('#confirm-dialog'), () => {
      must('#confirm-text').textContent = error.message
      must('#confirm-go').textContent = action
    })
    return yes ? send<T>(method, path, { ...body, confirm: true }) : undefined
  }
}

const SETTINGS_NUMBERS = ['maxLinks', 'authorPostsPerHour', 'reportThreshold', 'editWindowSeconds', 'maxCommentLength']

export function setUpSiteForms(): void {
  const settingsForm = $<HTMLFormElement>('#settings-form')
  onSubmit(settingsForm, async (form) => {
    const body = {
      name: field(form, 'name').value.trim(),
      premoderation: must<HTMLInputElement>('[name=premoderation]:checked', form).value,
      reactions: must<HTMLInputElement>('[name=reactions]:checked', form).value,
      guestsAllowed: field(form, 'guestsAllowed').checked,
      allowsImages: field(form, 'allowsImages').checked,
      spamCheck: field(form, 'spamCheck').checked,
      publicProfiles: field(form, 'publicProfiles').checked,
      blockedWords: lineList(field(form, 'blockedWords').value),
      blockedLinks: lineList(field(form, 'blockedLinks').value),
      ...Object.fromEntries(SETTINGS_NUMBERS.map((name) => [name, Number(field(form, name).value)])),
    }
    const saved = await send<{ blockedWords: string[]; blockedLinks: string[] }>('PATCH', `/admin/sites/${form.dataset.site}/settings`, body)
    field(form, 'blockedWords').value = saved.blockedWords.join('\n')
    field(form, 'blockedLinks').value = saved.blockedLinks.join('\n')
    announce('Settings saved.')
  })

  onSubmit($<HTMLFormElement>('#new-site-form'), async (form) => {
    const site = await send<{ id: string }>('POST', '/admin/sites', { name: field(form, 'name').value.trim(), origins: lineList(field(form, 'origins').value) })
    location.assign(`/admin/sites/${site.id}?new`)
  })

  onSubmit($<HTMLFormElement>('#origins-form'), async (form) => {
    const origins = lineList(field(form, 'origins').value)
    const saved = await sendConfirming<{ origins: string[] }>('PUT', `/admin/sites/${form.dataset.site}/origins`, { origins }, 'Remove it')
    if (!saved) return
    field(form, 'origins').value = saved.origins.join('\n')
    announce('Origins saved.')
  })

  const deleteForm = $<HTMLFormElement>('#delete-site-form')
  if (deleteForm) {
    const button = must<HTMLButtonElement>('button[type=submit]', deleteForm)
    const typed = () => field(deleteForm, 'name').value.trim() === deleteForm.dataset.name
    deleteForm.addEventListener('input', () => (button.disabled = !typed()))
    onSubmit(deleteForm, async (form) => {
      if (!typed()) throw new Error(`Type the site’s name, ${form.dataset.name}, to delete it.`)
      await send('DELETE', `/admin/sites/${form.dataset.site}`, { name: field(form, 'name').value.trim() })
      location.assign('/admin')
    })
  }
}

/** The install check: allow a refused origin with one click. */
export function setUpInstallCheck(installCheck: HTMLElement): void {
  installCheck.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('[data-allow-origin]') : null
    if (!button) return
    const origin = button.dataset.allowOrigin ?? ''
    button.disabled = true
    const origins = [...(JSON.parse(installCheck.dataset.origins ?? '[]') as string[]), origin]
    guard(
      send<{ origins: string[] }>('PUT', `/admin/sites/${installCheck.dataset.site}/origins`, { origins })
        .then((saved) => {
          installCheck.dataset.origins = JSON.stringify(saved.origins)
          // Wherever the page names the allowed origins, as it would after a reload.
          for (const list of document.querySelectorAll<HTMLElement>('[data-origins-list]')) list.textContent = saved.origins.join(list.dataset.originsList)
          const row = button.closest('.refused')
          row?.replaceChildren(Object.assign(document.createElement('p'), { textContent: `${origin} is allowed now: its pages show the comments from their next load.` }))
          row?.classList.replace('refused', 'allowed-now')
          announce(`${origin} is allowed.`)
        })
        .finally(() => (button.disabled = false)),
    )
  })
}
