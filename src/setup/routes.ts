import { createRoute, z } from '@hono/zod-openapi'
import { html } from 'hono/html'
import { page } from '../auth/pages/layout.ts'
import { SignedInJson } from '../auth/schemas.ts'
import { setSessionCookie } from '../auth/session-cookie.ts'
import { createSession } from '../auth/sessions.ts'
import { userToJson } from '../auth/user-json.ts'
import type { Deps } from '../deps.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { nameText, text } from '../http/text.ts'
import { completeSetup, hasInstanceAdmin, requireSetupWaiting } from './setup-secrets.ts'

const SetupBody = z
  .strictObject({
    secret: z.string().max(100).openapi({ description: 'The secret after `#` in the setup link the server logged.' }),
    email: z.email().max(254),
    name: nameText(50),
    password: text().min(1).max(4096),
  })
  .openapi('Setup')

const setupRoute = createRoute({
  method: 'post',
  path: '/setup',
  tags: ['Accounts'],
  summary: 'Make the first instance admin',
  description:
    'Only while no instance admin exists (404 afterwards, whatever is sent), with the secret of a setup link from the server’s log. Signs the new admin in on Engawa’s origin (cookie).',
  request: { body: jsonBody(SetupBody) },
  responses: { 201: jsonResponse(SignedInJson, 'The admin exists and is signed in.'), ...errorResponses(400, 404, 409, 415, 422) },
})

/**
 * The first hour: `/setup` (the form a setup link opens, until an admin exists), its API, and `/`,
 * which says whether setup is waiting or where to go.
 */
export function setupRoutes(deps: Deps) {
  const router = createRouter()
  // Gone once an admin exists, before the body is even read.
  router.use('/setup', async (_c, next) => {
    await requireSetupWaiting(deps.db)
    await next()
  })
  return router.openapi(setupRoute, async (c) => {
    const user = await completeSetup(deps, c.req.valid('json'))
    const { token } = await createSession(deps.db, user.id, null, deps.clock.now())
    setSessionCookie(c, deps.config, token)
    return c.json({ user: userToJson(user, 'cookie') }, 201)
  })
}

export function setupPages(deps: Deps) {
  return createRouter()
    .get('/setup', async (c) => {
      await requireSetupWaiting(deps.db)
      return page(c, 'Set up Engawa', setupForm(), { script: '/static/setup.js' })
    })
    .get('/', async (c) =>
      (await hasInstanceAdmin(deps.db)) ? page(c, 'Engawa', home(), { script: false }) : page(c, 'Engawa: setup is waiting', waiting(), { script: false }),
    )
}

function setupForm() {
  return html`<main id="engawa-setup">
  <h1>Set up Engawa</h1>
  <p>Make the first administrator. This account can create sites and invite their owners and moderators.</p>
  <p class="error" role="alert" id="error" hidden></p>
  <form id="setup" novalidate>
    <label>Your email address <input name="email" type="email" autocomplete="email" required /></label>
    <label>Your name, as readers see it <input name="name" autocomplete="name" maxlength="50" required /></label>
    <label>Choose a password <input name="password" type="password" autocomplete="new-password" minlength="8" required aria-describedby="password-hint" /></label>
    <p class="links" id="password-hint">At least 8 characters; a long phrase is best.</p>
    <button type="submit">Create the administrator</button>
  </form>
</main>`
}

function waiting() {
  return html`<main>
  <h1>Engawa is running; setup is waiting</h1>
  <p>No administrator exists yet. The server’s log holds a setup link, on the line that says <q>setup is waiting</q>:
  open it to make the first one. Each start of the server logs a new link while setup waits.</p>
  <p class="links">Meanwhile: <a href="/demo">the demo article</a> · <a href="/api/openapi.json">the API</a></p>
</main>`
}

function home() {
  return html`<main>
  <h1>Engawa</h1>
  <p>Comments for the articles of the sites this server serves.</p>
  <ul>
    <li><a href="/admin">The dashboard</a>: sites, moderation, settings.</li>
    <li><a href="/demo">The demo article</a>, with the widget under it.</li>
    <li><a href="/api/openapi.json">The API</a>, described in OpenAPI.</li>
  </ul>
</main>`
}
