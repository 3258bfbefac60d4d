import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { hitLimits } from '../http/rate-limit.ts'
import { isAllowedOrigin } from '../http/origins.ts'
import { getSite } from '../sites/sites.ts'
import { changePassword, logIn, requestPasswordReset, resetPassword, signUp, verifyEmail } from './accounts.ts'
import { requireDashboardSession, requireSignedIn } from '../access/require-session.ts'
import { AUTH_LIMITS } from './limits.ts'
import {
  AcceptedJson,
  LoginBody,
  LogoutBody,
  PasswordChangeBody,
  ResetConfirmBody,
  ResetRequestBody,
  SignedInJson,
  SignupBody,
  VerifyBody,
  WidgetSessionBody,
  WidgetSessionJson,
} from './schemas.ts'
import { clearSessionCookie, readSignupCookie, setSessionCookie, setSignupCookie } from './session-cookie.ts'
import { EMAIL_TOKEN_LIFETIME_MS } from './email-tokens.ts'
import { hashSecret, randomString } from '../http/secret-token.ts'
import { createSession, revokeSession, revokeUserSessions } from './sessions.ts'
import { userToJson } from './user-json.ts'
import { normalizeEmail } from '../http/text.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Accounts']
const CHECK_MAIL = 'Check your mail: we have sent you a link.'

const signupRoute = createRoute({
  method: 'post',
  path: '/auth/signup',
  tags,
  summary: 'Sign up with email and password',
  description: 'Always answers the same; the account is made (and signed in) through the emailed link.',
  request: { body: jsonBody(SignupBody) },
  responses: { 202: jsonResponse(AcceptedJson, 'A mail is on its way.'), ...errorResponses(400, 403, 415, 422, 429) },
})

const verifyRoute = createRoute({
  method: 'post',
  path: '/auth/verify',
  tags,
  summary: 'Follow a verification link',
  description: "Confirms the address and signs in on Engawa's origin (cookie).",
  request: { body: jsonBody(VerifyBody) },
  responses: { 200: jsonResponse(SignedInJson, 'Signed in.'), ...errorResponses(400, 403, 415, 429) },
})

const loginRoute = createRoute({
  method: 'post',
  path: '/auth/login',
  tags,
  summary: 'Sign in with email and password',
  description: "Signs in on Engawa's origin (cookie). The widget then asks for a site token.",
  request: { body: jsonBody(LoginBody) },
  responses: { 200: jsonResponse(SignedInJson, 'Signed in.'), ...errorResponses(400, 401, 403, 415, 429) },
})

const logoutRoute = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags,
  summary: 'Sign out, here or everywhere',
  description: "`everywhere` only from Engawa's own pages (the cookie); a widget token signs out itself.",
  request: { body: { content: { 'application/json': { schema: LogoutBody } }, required: false } },
  responses: { 204: { description: 'Signed out.' }, ...errorResponses(400, 401, 403, 415) },
})

const passwordRoute = createRoute({
  method: 'post',
  path: '/auth/password',
  tags,
  summary: 'Change the password',
  description: "From Engawa's own pages (the cookie). Ends every session of the account and opens a new one here.",
  request: { body: jsonBody(PasswordChangeBody) },
  responses: {
    200: jsonResponse(SignedInJson, 'Changed.'),
    ...errorResponses(400, 401, 403, 415, 422, 429),
  },
})

const resetRequestRoute = createRoute({
  method: 'post',
  path: '/auth/reset',
  tags,
  summary: 'Ask for a password reset link',
  description: 'Always answers the same, whether or not the address has an account.',
  request: { body: jsonBody(ResetRequestBody) },
  responses: { 202: jsonResponse(AcceptedJson, 'A mail is on its way.'), ...errorResponses(400, 403, 415, 429) },
})

const resetConfirmRoute = createRoute({
  method: 'post',
  path: '/auth/reset/confirm',
  tags,
  summary: 'Set a new password from a reset link',
  description: 'Ends every session of the account and signs in here (cookie).',
  request: { body: jsonBody(ResetConfirmBody) },
  responses: { 200: jsonResponse(SignedInJson, 'Signed in.'), ...errorResponses(400, 403, 415, 422, 429) },
})

const widgetSessionRoute = createRoute({
  method: 'post',
  path: '/auth/widget-session',
  tags,
  summary: "Issue a session token for one site's widget",
  description:
    "Called by the sign-in popup on Engawa's origin (cookie). The token works on that site only; the popup " +
    'posts it to the opener at `origin`, which must be one of the site’s allowed origins.',
  request: { body: jsonBody(WidgetSessionBody) },
  responses: { 200: jsonResponse(WidgetSessionJson, 'A token for the site.'), ...errorResponses(400, 401, 403, 404, 415) },
})

export function authRoutes(deps: Deps) {
  const ip = (c: Context) => addressBucket(clientIp(c, deps.config.trustedProxies))
  const limit = (...checks: Array<[keyof typeof AUTH_LIMITS, string]>) =>
    hitLimits(deps.db, checks.map(([name, subject]) => [AUTH_LIMITS[name], subject] as const), deps.clock.now())

  async function signInHere(c: Context<AppEnv>, userId: string) {
    const { token } = await createSession(deps.db, userId, null, deps.clock.now())
    setSessionCookie(c, deps.config, token)
  }

  return createRouter()
    .openapi(signupRoute, async (c) => {
      const input = c.req.valid('json')
      await limit(['signupByIp', ip(c)], ['signupByAccount', normalizeEmail(input.email)])
      const browserSecret = randomString(32)
      await signUp(deps, input, hashSecret(browserSecret))
      setSignupCookie(c, deps.config, browserSecret, EMAIL_TOKEN_LIFETIME_MS.verify / 1000)
      return c.json({ message: CHECK_MAIL }, 202)
    })
    .openapi(verifyRoute, async (c) => {
      await limit(['linkByIp', ip(c)])
      const user = await verifyEmail(deps, c.req.valid('json'), readSignupCookie(c, deps.config))
      await signInHere(c, user.id)
      return c.json({ user: userToJson(user, 'cookie') }, 200)
    })
    .openapi(loginRoute, async (c) => {
      const input = c.req.valid('json')
      await limit(['loginByIp', ip(c)], ['loginByAccount', normalizeEmail(input.email)])
      const user = await logIn(deps, input)
      await signInHere(c, user.id)
      return c.json({ user: userToJson(user, 'cookie') }, 200)
    })
    .openapi(logoutRoute, async (c) => {
      const everywhere = (await c.req.json().catch(() => ({})))?.everywhere === true
      const signedIn = everywhere ? requireDashboardSession(c.var.signedIn) : requireSignedIn(c.var.signedIn)
      if (everywhere) await revokeUserSessions(deps.db, signedIn.user.id)
      else await revokeSession(deps.db, signedIn.session.id)
      if (signedIn.via === 'cookie') clearSessionCookie(c, deps.config)
      return c.body(null, 204)
    })
    .openapi(passwordRoute, async (c) => {
      const signedIn = requireDashboardSession(c.var.signedIn)
      await limit(['passwordByAccount', signedIn.user.id])
      const { token } = await changePassword(deps, signedIn.session, c.req.valid('json'))
      setSessionCookie(c, deps.config, token)
      return c.json({ user: userToJson(signedIn.user, signedIn.via) }, 200)
    })
    .openapi(resetRequestRoute, async (c) => {
      const { email } = c.req.valid('json')
      await limit(['resetByIp', ip(c)], ['resetByAccount', normalizeEmail(email)])
      await requestPasswordReset(deps, email)
      return c.json({ message: CHECK_MAIL }, 202)
    })
    .openapi(resetConfirmRoute, async (c) => {
      await limit(['linkByIp', ip(c)])
      const user = await resetPassword(deps, c.req.valid('json'))
      await signInHere(c, user.id)
      return c.json({ user: userToJson(user, 'cookie') }, 200)
    })
    .openapi(widgetSessionRoute, async (c) => {
      const signedIn = requireSignedIn(c.var.signedIn)
      if (signedIn.via !== 'cookie') throw new AppError('forbidden', 'Ask for a site token from Engawa’s sign-in page.')
      const input = c.req.valid('json')
      const site = await getSite(deps.db, input.site)
      if (!isAllowedOrigin(site.allowed_origins, input.origin))
        throw new AppError('origin_not_allowed', `This site does not embed comments on ${input.origin}.`)
      const { token, session } = await createSession(deps.db, signedIn.user.id, site.id, deps.clock.now())
      return c.json({ token, expiresAt: session.expires_at.toISOString(), user: userToJson(signedIn.user, 'bearer') }, 200)
    })
}
