import { safeReturnTo } from '../return-to.ts'
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { Deps } from '../../deps.ts'
import type { SiteRow } from '../../db/schema.ts'
import type { AppEnv } from '../../http/app-env.ts'
import { isAllowedOrigin } from '../../http/origins.ts'
import { configuredProviders } from '../oauth/providers.ts'
import { findSite } from '../../sites/sites.ts'
import { authenticate } from '../authenticate.ts'
import { page } from './layout.ts'

/**
 * GET /auth/popup?site=&origin=  the sign-in window the widget opens (first-party, so its
 *                                 cookie works where the widget's would be blocked);
 * GET /auth/confirm#verify=… | #reset=…  where emailed links land.
 * The behaviour is in auth-script.ts (built to /static/auth.js); these render the views it switches between.
 */
export function authPages(deps: Deps) {
  const providers = [...configuredProviders(deps.config.oauth).values()]
  // The account signed in on Engawa's own origin (the dashboard cookie), if any.
  const session = authenticate(deps, 'bearer-or-cookie')
  const dashboardUser = (signedIn: AppEnv['Variables']['signedIn']) => (signedIn?.via === 'cookie' ? signedIn.user : undefined)

  return new Hono<AppEnv>()
    .get('/auth/popup', session, async (c) => {
      const siteId = c.req.query('site') ?? ''
      const origin = c.req.query('origin') ?? ''
      const site = siteId ? await findSite(deps.db, siteId) : undefined
      const canPost = site !== undefined && isAllowedOrigin(site.allowed_origins, origin)
      if (siteId && !canPost) return page(c, 'Engawa', refusal())
      const user = dashboardUser(c.var.signedIn)
      // Signing in to Engawa itself (no site) may go on to a page of it, such as the dashboard.
      const next = site || c.req.query('next') === undefined ? undefined : safeReturnTo(c.req.query('next'), deps.config.publicUrl)
      const returnTo = next ?? `/auth/popup?${new URLSearchParams(site ? { site: site.id, origin } : {})}`
      return page(c, site ? `Sign in to comment on ${site.name}` : 'Sign in to Engawa', popup(site, origin, user?.display_name, returnTo, next))
    })
    .get('/auth/confirm', (c) => page(c, 'Engawa', confirm()))
    .get('/auth/account', session, async (c) => {
      const user = dashboardUser(c.var.signedIn)
      if (!user) return c.redirect('/auth/popup', 302)
      return page(c, 'Your Engawa account', account(user.display_name, user.email, user.password_hash !== null, user.profile_public))
    })

  function popup(site: SiteRow | undefined, origin: string, signedInAs: string | undefined, returnTo: string, next?: string) {
    const oauth = providers.map(
      (p) => html`<a class="provider" href="/api/v1/auth/oauth/${p.id}?returnTo=${encodeURIComponent(returnTo)}">Continue with ${p.label}</a>`,
    )
    return html`<main id="engawa-auth" data-page="popup" data-site="${site?.id ?? ''}" data-origin="${origin}" data-next="${next ?? ''}">
  <h1>${site ? html`Sign in to comment on <span class="site">${site.name}</span>` : 'Sign in to Engawa'}</h1>
  <p class="error" role="alert" id="error" hidden></p>

  <section data-view="continue" ${signedInAs ? '' : 'hidden'}>
    <p>You are signed in as <strong data-name>${signedInAs ?? ''}</strong>.</p>
    <button type="button" id="continue">Continue as <span data-name>${signedInAs ?? ''}</span></button>
    <button type="button" class="secondary" id="switch">Use another account</button>
  </section>

  <section data-view="login" ${signedInAs ? 'hidden' : ''}>
    ${oauth.length > 0 ? html`<div class="providers">${oauth}</div><p class="or">or with your email</p>` : ''}
    <form id="login-form" novalidate>
      <label>Email <input name="email" type="email" autocomplete="email" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit">Sign in</button>
    </form>
    <p class="links"><a href="#signup" data-show="signup">Create an account</a> · <a href="#reset" data-show="reset">Forgot your password?</a></p>
  </section>

  <section data-view="signup" hidden>
    <form id="signup-form" novalidate>
      <label>Name shown with your comments <input name="displayName" autocomplete="nickname" maxlength="50" required /></label>
      <label>Email <input name="email" type="email" autocomplete="email" required /></label>
      <label>Password (at least 8 characters) <input name="password" type="password" autocomplete="new-password" minlength="8" required /></label>
      <button type="submit">Create account</button>
    </form>
    <p class="links"><a href="#login" data-show="login">I already have an account</a></p>
  </section>

  <section data-view="reset" hidden>
    <form id="reset-form" novalidate>
      <label>Email <input name="email" type="email" autocomplete="email" required /></label>
      <button type="submit">Send me a link</button>
    </form>
    <p class="links"><a href="#login" data-show="login">Back to sign-in</a></p>
  </section>

  <section data-view="check-mail" hidden>
    <p role="status">Check your mail: we have sent you a link. Open it in this browser, then come back to this window.</p>
    <button type="button" class="secondary" id="confirmed">I have opened the link</button>
  </section>

  <section data-view="done" hidden>
    <p role="status">You are signed in. You can close this window.</p>
    <p class="links"><a href="/auth/account">Your account</a>: your data, password and sessions.</p>
  </section>
</main>`
  }

  function account(name: string, email: string | null, hasPassword: boolean, profilePublic: boolean) {
    return html`<main id="engawa-auth" data-page="account">
  <h1>Your account</h1>
  <p>Signed in as <strong>${name}</strong>${email ? html` (${email})` : ''}.</p>
  <p class="error" role="alert" id="error" hidden></p>
  <p role="status" id="status" hidden></p>

  <h2>Your profile</h2>
  <form id="profile-form" novalidate>
    <label><input type="checkbox" name="public" ${profilePublic ? 'checked' : ''} /> Show my profile: on sites that allow profiles, my name links to a page with my comments there</label>
    <button type="submit">Save</button>
  </form>

  <h2>Your data</h2>
  <p><a href="/api/v1/me/export" download>Download everything Engawa holds about you</a> (JSON).</p>

  ${hasPassword
    ? html`<h2>Password</h2>
  <form id="password-form" novalidate>
    <label>Current password <input name="currentPassword" type="password" autocomplete="current-password" required /></label>
    <label>New password (at least 8 characters) <input name="newPassword" type="password" autocomplete="new-password" minlength="8" required /></label>
    <button type="submit">Change password</button>
  </form>`
    : ''}

  <h2>Sessions</h2>
  <button type="button" class="secondary" id="everywhere">Sign out everywhere</button>

  <h2>Delete your account</h2>
  <form id="delete-form" novalidate>
    <fieldset>
      <legend>Your comments</legend>
      <label><input type="radio" name="comments" value="keep" checked /> Keep them, shown as from a deleted user</label>
      <label><input type="radio" name="comments" value="remove" /> Delete them too (replies by others stay)</label>
    </fieldset>
    ${hasPassword ? html`<label>Password <input name="password" type="password" autocomplete="current-password" required /></label>` : ''}
    <button type="submit" class="danger">Delete my account</button>
  </form>
</main>`
  }

  function refusal() {
    return html`<main id="engawa-auth" data-page="refused">
  <h1>Sign-in is not available here</h1>
  <p role="alert">This page is not one of the site's own, so Engawa will not sign you in for it.</p>
</main>`
  }

  function confirm() {
    return html`<main id="engawa-auth" data-page="confirm">
  <h1>Engawa</h1>
  <p class="error" role="alert" id="error" hidden></p>

  <section data-view="verify" hidden>
    <form id="verify-form" novalidate>
      <p>Confirm your address to finish signing in.</p>
      <label id="verify-password" hidden>The password you chose when you signed up
        <input name="password" type="password" autocomplete="current-password" />
      </label>
      <button type="submit">Confirm and sign in</button>
    </form>
  </section>

  <section data-view="new-password" hidden>
    <form id="new-password-form" novalidate>
      <label>New password (at least 8 characters) <input name="password" type="password" autocomplete="new-password" minlength="8" required /></label>
      <button type="submit">Save and sign in</button>
    </form>
  </section>

  <section data-view="done" hidden>
    <p role="status">You are signed in. Go back to the page where you were commenting; you can close this tab.</p>
    <p class="links" id="to-dashboard" hidden>You run comments here: <a href="/admin">open the dashboard</a>.</p>
  </section>

  <section data-view="invite" hidden>
    <form id="invite-form" novalidate>
      <p>You have been invited to help run the comments of a site.</p>
      <button type="submit">Accept the invitation</button>
    </form>
    <p class="links" id="invite-signin" hidden><a href="/auth/popup" target="_blank" rel="noopener">Sign in</a> with the invited address first, then accept here.</p>
  </section>

  <section data-view="accepted" hidden>
    <p role="status">Done: you can now moderate this site's comments.</p>
    <p class="links"><a href="/admin">Open the dashboard</a></p>
  </section>

  <section data-view="missing" hidden>
    <p>This link is incomplete. Open it again from the mail, or ask for a new one.</p>
  </section>
</main>`
  }
}
