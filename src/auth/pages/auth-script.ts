// Engawa's sign-in popup and emailed-link pages (built to /static/auth.js), on Engawa's own
// origin, where its cookie is first-party. The popup ends by posting a token for one site to the
// page that opened it, addressed to that page's origin only (never '*').

type Fields = Record<string, string>
interface ApiError extends Error {
  code?: string
}

const root = document.getElementById('engawa-auth')
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('engawa-auth') : undefined
const errorBox = document.getElementById('error')

function show(name: string) {
  for (const view of root?.querySelectorAll<HTMLElement>('[data-view]') ?? []) view.hidden = view.dataset.view !== name
  root?.querySelector<HTMLElement>(`[data-view="${name}"] input, [data-view="${name}"] button`)?.focus()
}

function showError(message: string) {
  if (!errorBox) return
  errorBox.textContent = message
  errorBox.hidden = !message
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

async function api<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    credentials: 'same-origin',
  })
  if (res.status === 204) return {} as T
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: string } }
  if (!res.ok) throw Object.assign(new Error(json.error?.message ?? 'Something went wrong. Try again.'), { code: json.error?.code }) as ApiError
  return json as T
}

/** A form's submit runs `handler` with its fields; the button waits, and a failure is said above. */
function onSubmit(id: string, handler: (fields: Fields, form: HTMLFormElement) => Promise<void>) {
  const form = document.getElementById(id)
  if (!(form instanceof HTMLFormElement)) return
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')
    showError('')
    if (button) button.disabled = true
    try {
      await handler(Object.fromEntries(new FormData(form)) as Fields, form)
    } catch (error) {
      showError(messageOf(error))
    } finally {
      if (button) button.disabled = false
    }
  })
}

function popup(root: HTMLElement) {
  const { site, origin, next } = root.dataset
  let finished = false
  const finish = async (): Promise<void> => {
    if (finished) return
    if (!site && next) return location.assign(next)
    if (!site || !origin || !window.opener) return show('done')
    const session = await api<{ token: string; expiresAt: string; user: unknown }>('/auth/widget-session', { site, origin })
    finished = true
    ;(window.opener as Window).postMessage({ type: 'engawa:session', site, token: session.token, expiresAt: session.expiresAt, user: session.user }, origin)
    show('done')
    setTimeout(() => window.close(), 400)
  }
  const finishOrShow = () => finish().catch((error: unknown) => showError(messageOf(error)))

  for (const link of root.querySelectorAll<HTMLElement>('[data-show]'))
    link.addEventListener('click', (event) => {
      event.preventDefault()
      showError('')
      show(link.dataset.show ?? '')
    })
  document.getElementById('continue')?.addEventListener('click', finishOrShow)
  document.getElementById('switch')?.addEventListener('click', async () => {
    await api('/auth/logout').catch(() => undefined)
    show('login')
  })
  // After an emailed link signed this browser in, ask who that is before going on: a link
  // someone else sent would otherwise sign the reader in as that someone without a word.
  const offerContinue = async () => {
    const res = await fetch('/api/v1/me', { credentials: 'same-origin' })
    if (!res.ok) return showError('Not signed in yet: open the link from the mail in this browser.')
    const { user } = (await res.json()) as { user: { displayName: string } }
    for (const name of root.querySelectorAll('[data-name]')) name.textContent = user.displayName
    showError('')
    show('continue')
  }
  document.getElementById('confirmed')?.addEventListener('click', () => void offerContinue())
  onSubmit('login-form', async (f) => {
    await api('/auth/login', { email: f.email, password: f.password })
    await finish()
  })
  onSubmit('signup-form', async (f) => {
    await api('/auth/signup', { email: f.email, password: f.password, displayName: f.displayName || undefined })
    show('check-mail')
  })
  onSubmit('reset-form', async (f) => {
    await api('/auth/reset', { email: f.email })
    show('check-mail')
  })
  // The emailed link opens in another tab of this browser; it says so here when it has signed in.
  channel?.addEventListener('message', (event: MessageEvent<{ type?: string } | undefined>) => {
    if (event.data?.type === 'signed-in') void offerContinue()
  })

  const hash = new URLSearchParams(location.hash.slice(1))
  if (hash.has('signin_error')) {
    show('login')
    showError(hash.get('signin_error') ?? '')
  } else if (hash.has('signup')) show('signup')
  else if (hash.has('reset')) show('reset')
}

function account(root: HTMLElement) {
  const status = document.getElementById('status')
  const say = (message: string) => {
    if (!status) return
    status.textContent = message
    status.hidden = false
  }
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    })
    if (res.ok) return
    const json = (await res.json().catch(() => ({}))) as { error?: { message?: string } }
    throw new Error(json.error?.message ?? 'Something went wrong. Try again.')
  }
  onSubmit('profile-form', async (f) => {
    const isPublic = f.public === 'on'
    await send('PUT', '/me/profile', { public: isPublic })
    say(isPublic ? 'Your profile is shown.' : 'Your profile is private.')
  })
  onSubmit('password-form', async (f, form) => {
    await send('POST', '/auth/password', { currentPassword: f.currentPassword, newPassword: f.newPassword })
    form.reset()
    say('Password changed. Every other session has been signed out.')
  })
  document.getElementById('everywhere')?.addEventListener('click', async () => {
    await send('POST', '/auth/logout', { everywhere: true }).catch((error: unknown) => showError(messageOf(error)))
    location.href = '/auth/popup'
  })
  onSubmit('delete-form', async (f) => {
    if (!window.confirm('Delete your account for good?')) return
    await send('DELETE', '/me', { comments: f.comments, password: f.password || undefined })
    root.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'Your account has been deleted.' }))
  })
}

function confirm() {
  const hash = new URLSearchParams(location.hash.slice(1))
  // The token leaves the address bar (and history) once read.
  history.replaceState(null, '', location.pathname)
  const signedIn = async () => {
    channel?.postMessage({ type: 'signed-in' })
    show('done')
    // An admin's setup link or a member's: the way on is the dashboard, not a page of comments.
    type Me = { user: { isInstanceAdmin: boolean }; memberships: unknown[] }
    const me = await fetch('/api/v1/me', { credentials: 'same-origin' }).then(
      (res) => (res.ok ? (res.json() as Promise<Me>) : undefined),
      () => undefined,
    )
    const runsComments = me && (me.user.isInstanceAdmin || me.memberships.length > 0)
    const link = document.getElementById('to-dashboard')
    if (link && runsComments) link.hidden = false
  }
  const codeOf = (error: unknown) => (error as ApiError).code
  const verify = hash.get('verify')
  const reset = hash.get('reset')
  const invite = hash.get('invite')
  if (verify) {
    show('verify')
    onSubmit('verify-form', async (f) => {
      try {
        await api('/auth/verify', { token: verify, password: f.password || undefined })
        await signedIn()
      } catch (error) {
        if (codeOf(error) !== 'password_required') throw error
        const label = document.getElementById('verify-password')
        if (!label) throw error
        label.hidden = false
        label.querySelector('input')?.focus()
      }
    })
  } else if (reset) {
    show('new-password')
    onSubmit('new-password-form', async (f) => {
      await api('/auth/reset/confirm', { token: reset, password: f.password })
      await signedIn()
    })
  } else if (invite) {
    show('invite')
    onSubmit('invite-form', async () => {
      try {
        await api('/auth/invitations/accept', { token: invite })
        show('accepted')
      } catch (error) {
        const signIn = document.getElementById('invite-signin')
        if (codeOf(error) === 'unauthorized' && signIn) signIn.hidden = false
        throw error
      }
    })
  } else show('missing')
}

if (root?.dataset.page === 'popup') popup(root)
if (root?.dataset.page === 'confirm') confirm()
if (root?.dataset.page === 'account') account(root)

// A module of its own (esbuild bundles it into a script): nothing here is global.
export {}
