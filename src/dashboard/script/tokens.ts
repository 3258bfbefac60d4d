import { $, announce, closest, field, guard, must, send, showProblem } from './page.ts'
import { showTimes } from './times.ts'

// API tokens: made (and shown once), revoked.
export function setUpTokens(): void {
  const tokenForm = $<HTMLFormElement>('#token-form')
  tokenForm?.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const name = field(tokenForm, 'name')
        if (!name.checkValidity()) {
          name.focus()
          throw new Error(`Name: ${name.validationMessage}`)
        }
        const days = field<HTMLSelectElement>(tokenForm, 'expiresInDays').value
        const made = await send<{ token: string; apiToken: { name: string } }>('POST', `/admin/sites/${tokenForm.dataset.site}/tokens`, {
          name: name.value.trim(),
          scope: field<HTMLSelectElement>(tokenForm, 'scope').value,
          expiresInDays: days ? Number(days) : null,
        })
        showProblem('')
        must('#new-token-value').textContent = made.token
        must('#new-token').hidden = false
        // The list is the server's to draw: read the page again, but keep the new token on screen.
        const fresh = new DOMParser().parseFromString(await (await fetch(location.href, { credentials: 'same-origin' })).text(), 'text/html')
        must('#tokens').replaceWith(document.adoptNode(must('#tokens', fresh)))
        $('#no-tokens')?.remove()
        showTimes()
        tokenForm.reset()
        announce(`Token “${made.apiToken.name}” made. Copy it now: it is not shown again.`)
        must('#new-token [data-copy]').focus()
      })(),
    )
  })
  document.addEventListener('click', (event) => {
    const button = closest(event, '#tokens [data-revoke]')
    const li = button?.closest<HTMLElement>('[data-token]')
    if (!button || !li) return
    if (!window.confirm(`Revoke “${li.dataset.name}”? Scripts using it stop working at once.`)) return
    guard(
      (async () => {
        await send('DELETE', `/admin/sites/${must('#tokens').dataset.site}/tokens/${li.dataset.token}`)
        showProblem('')
        button.remove()
        must('.meta span:last-child', li).textContent = 'Revoked just now'
        announce(`Token “${li.dataset.name}” revoked.`)
      })(),
    )
  })
}
