// Engawa's sign-in popup and emailed-link pages. Plain script, no build step; served from
// Engawa's own origin, where its cookie is first-party. The popup ends by posting a token for
// one site to the page that opened it, addressed to that page's origin only (never '*').
;(() => {
  const root = document.getElementById('engawa-auth')
  if (!root) return
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel('engawa-auth') : undefined
  const errorBox = document.getElementById('error')

  const show = (name) => {
    for (const view of root.querySelectorAll('[data-view]')) view.hidden = view.dataset.view !== name
    const first = root.querySelector(`[data-view="${name}"] input, [data-view="${name}"] button`)
    if (first) first.focus()
  }
  const showError = (message) => {
    if (!errorBox) return
    errorBox.textContent = message
    errorBox.hidden = !message
  }
  const api = async (path, body) => {
    const res = await fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      credentials: 'same-origin',
    })
    if (res.status === 204) return {}
    const json = await res.json().catch(() => ({}))
    if (!res.ok) {
      const error = new Error(json.error?.message ?? 'Something went wrong. Try again.')
      error.code = json.error?.code
      throw error
    }
    return json
  }
  const fields = (form) => Object.fromEntries(new FormData(form))
  const onSubmit = (id, handler) => {
    const form = document.getElementById(id)
    if (!form) return
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const button = form.querySelector('button[type="submit"]')
      showError('')
      if (button) button.disabled = true
      try {
        await handler(fields(form), form)
      } catch (error) {
        showError(error.message)
      } finally {
        if (button) button.disabled = false
      }
    })
  }

  if (root.dataset.page === 'popup') popup()
  if (root.dataset.page === 'confirm') confirm()
  if (root.dataset.page === 'account') account()

  function popup() {
    const { site, origin, next } = root.dataset
    let finished = false
    const finish = async () => {
      if (finished) return
      if (!site && next) return location.assign(next)
      if (!site || !origin || !window.opener) return show('done')
      const session = await api('/auth/widget-session', { site, origin })
      finished = true
      window.opener.postMessage(
        { type: 'engawa:session', site, token: session.token, expiresAt: session.expiresAt, user: session.user },
        origin,
      )
      show('done')
      setTimeout(() => window.close(), 400)
    }
    const finishOrShow = () => finish().catch((error) => showError(error.message))

    for (const link of root.querySelectorAll('[data-show]'))
      link.addEventListener('click', (event) => {
        event.preventDefault()
        showError('')
        show(link.dataset.show)
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
      const { user } = await res.json()
      for (const name of root.querySelectorAll('[data-name]')) name.textContent = user.displayName
      showError('')
      show('continue')
    }
    document.getElementById('confirmed')?.addEventListener('click', offerContinue)
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
    channel?.addEventListener('message', (event) => {
      if (event.data?.type === 'signed-in') offerContinue()
    })

    const hash = new URLSearchParams(location.hash.slice(1))
    if (hash.has('signin_error')) {
      show('login')
      showError(hash.get('signin_error'))
    } else if (hash.has('signup')) show('signup')
    else if (hash.has('reset')) show('reset')
  }

  function account() {
    const status = document.getElementById('status')
    const say = (message) => {
      status.textContent = message
      status.hidden = false
    }
    const send = async (method, path, body) => {
      const res = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      })
      if (res.ok) return
      const json = await res.json().catch(() => ({}))
      throw new Error(json.error?.message ?? 'Something went wrong. Try again.')
    }
    onSubmit('password-form', async (f, form) => {
      await send('POST', '/auth/password', { currentPassword: f.currentPassword, newPassword: f.newPassword })
      form.reset()
      say('Password changed. Every other session has been signed out.')
    })
    document.getElementById('everywhere')?.addEventListener('click', async () => {
      await send('POST', '/auth/logout', { everywhere: true }).catch((error) => showError(error.message))
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
      const me = await fetch('/api/v1/me', { credentials: 'same-origin' }).then((res) => (res.ok ? res.json() : undefined), () => undefined)
      const runsComments = me && (me.user.isInstanceAdmin || me.memberships.length > 0)
      const link = document.getElementById('to-dashboard')
      if (link && runsComments) link.hidden = false
    }
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
          if (error.code !== 'password_required') throw error
          const label = document.getElementById('verify-password')
          label.hidden = false
          label.querySelector('input').focus()
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
          if (error.code === 'unauthorized') document.getElementById('invite-signin').hidden = false
          throw error
        }
      })
    } else show('missing')
  }
})()
