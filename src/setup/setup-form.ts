// The setup page's form (built to /static/setup.js). The secret stays in the link's fragment, which
// browsers never send: so it appears in no server log, proxy or Referer, only in this request's body.
const form = document.getElementById('setup') as HTMLFormElement | null
const errorBox = document.getElementById('error')
const secret = location.hash.replace(/^#/, '')

function showError(message: string) {
  if (!errorBox) return
  errorBox.textContent = message
  errorBox.hidden = message === ''
}

if (form && !secret) showError('This page works from the setup link in the server’s log: open the whole link, with the part after #.')

form?.addEventListener('submit', async (event) => {
  event.preventDefault()
  if (!form.reportValidity()) return
  const button = form.querySelector('button')
  if (button) button.disabled = true
  showError('')
  try {
    const fields = Object.fromEntries(new FormData(form)) as Record<string, string>
    const res = await fetch('/api/v1/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fields, secret }),
      credentials: 'same-origin',
    })
    if (res.ok) {
      // The link is spent: keep it out of the history.
      history.replaceState(null, '', '/setup')
      // The next step of the first hour: the first site.
      location.assign('/admin/sites/new')
      return
    }
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } }
    showError(body.error?.message ?? `The server answered ${res.status}. Try again.`)
  } catch {
    showError('The server could not be reached. Is it still running?')
  } finally {
    if (button) button.disabled = false
  }
})

// A module of its own (esbuild bundles it into a script): nothing here is global.
export {}
