import { $, $$, announce, closest, field, guard, must, send, showProblem } from './page.ts'

// Webhooks, for owners: add (the secret shown once), turn on and off, test, new secret, delete.
export function setUpWebhooks(webhookForm: HTMLFormElement): void {
  const site = webhookForm.dataset.site
  const secretBox = must('#secret-box')
  function showSecret(secret: string, url: string) {
    must('#webhook-secret').textContent = secret
    must('#secret-title').textContent = `Signing secret for ${url}`
    secretBox.hidden = false
    must('#secret-title').focus()
  }
  // The list is read again once the secret is put away: reloading earlier would lose it.
  $('#secret-done')?.addEventListener('click', () => location.reload())
  webhookForm.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const url = field(webhookForm, 'url')
        if (!url.checkValidity()) {
          url.focus()
          throw new Error(`Its URL: ${url.validationMessage}`)
        }
        const events = $$<HTMLInputElement>('[name=events]:checked', webhookForm).map((box) => box.value)
        if (events.length === 0) throw new Error('Choose at least one event to send.')
        const description = field(webhookForm, 'description').value.trim()
        const { webhook, secret } = await send<{ webhook: { url: string }; secret: string }>('POST', `/admin/sites/${site}/webhooks`, {
          url: url.value.trim(),
          events,
          ...(description ? { description } : {}),
        })
        showProblem('')
        webhookForm.reset()
        showSecret(secret, webhook.url)
        announce(`Added ${webhook.url}. Copy its signing secret now.`)
      })(),
    )
  })
  $('#webhooks')?.addEventListener('click', (event) => {
    const button = closest(event, '[data-hook-act]')
    const item = button?.closest<HTMLElement>('[data-webhook]')
    if (!button || !item) return
    const path = `/admin/sites/${site}/webhooks/${item.dataset.webhook}`
    const url = item.dataset.url ?? ''
    guard(
      (async () => {
        const act = button.dataset.hookAct
        if (act === 'toggle') {
          const enabled = item.dataset.enabled !== 'true'
          await send('PATCH', path, { enabled })
          item.dataset.enabled = String(enabled)
          const state = must('[data-field=state]', item)
          state.textContent = enabled ? 'On' : 'Off'
          state.className = `badge ${enabled ? 'published' : ''}`
          if (button.firstChild) button.firstChild.textContent = enabled ? 'Turn off' : 'Turn on'
          announce(enabled ? `${url} gets events again.` : `${url} gets no more events.`)
        } else if (act === 'test') {
          await send('POST', `${path}/test`, {})
          announce(`Test event queued for ${url}. Reload the page in a few seconds to see how it went.`)
        } else if (act === 'rotate') {
          if (!window.confirm(`Make a new signing secret for ${url}? The current one stops working at once.`)) return
          const { secret } = await send<{ secret: string }>('POST', `${path}/secret`, {})
          showSecret(secret, url)
          announce(`New signing secret for ${url}. Copy it now.`)
        } else if (act === 'delete') {
          if (!window.confirm(`Delete ${url} and its delivery log?`)) return
          await send('DELETE', path)
          const next = item.nextElementSibling ?? item.previousElementSibling
          item.remove()
          announce(`Deleted ${url}.`)
          ;((next ? $('button', next) : null) ?? field(webhookForm, 'url')).focus()
        }
        showProblem('')
      })(),
    )
  })
}
