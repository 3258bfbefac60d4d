import { createRoute, z } from '@hono/zod-openapi'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../http/errors.ts'
import { errorResponses, jsonResponse } from '../../http/openapi.ts'
import { safeReturnTo } from '../return-to.ts'
import { setSessionCookie } from '../session-cookie.ts'
import { createSession } from '../sessions.ts'
import { startAttempt, takeAttempt } from './attempts.ts'
import { accountForIdentity } from './link-account.ts'
import { OAuthError, type OAuthProvider } from './provider.ts'
import { configuredProviders } from './providers.ts'
import { createRouter } from '../../http/router.ts'

const tags = ['Accounts']
const ProviderParam = z.object({ provider: z.string().max(20).openapi({ param: { name: 'provider', in: 'path' }, example: 'github' }) })

const listRoute = createRoute({
  method: 'get',
  path: '/auth/providers',
  tags,
  summary: 'The sign-in providers this instance offers',
  responses: {
    200: jsonResponse(z.object({ providers: z.array(z.object({ id: z.string(), label: z.string() })) }).openapi('Providers'), 'Providers.'),
  },
})

const startRoute = createRoute({
  method: 'get',
  path: '/auth/oauth/{provider}',
  tags,
  summary: 'Start signing in with a provider',
  description: 'Redirects to the provider. `returnTo` is a path on Engawa itself (the popup, the dashboard).',
  request: { params: ProviderParam, query: z.object({ returnTo: z.string().max(2000).optional() }) },
  responses: { 302: { description: 'To the provider.' }, ...errorResponses(400, 404, 502) },
})

const callbackRoute = createRoute({
  method: 'get',
  path: '/auth/oauth/{provider}/callback',
  tags,
  summary: 'Where the provider sends the browser back',
  description: "Signs in on Engawa's origin (cookie) and redirects to the attempt's `returnTo`.",
  request: {
    params: ProviderParam,
    query: z.object({
      code: z.string().max(2000).optional(),
      state: z.string().max(200).optional(),
      iss: z.string().max(2000).optional(),
      error: z.string().max(200).optional(),
    }),
  },
  responses: { 302: { description: 'Signed in, back to returnTo.' }, ...errorResponses(400, 403, 404, 502) },
})

export function oauthRoutes(deps: Deps) {
  const providers = configuredProviders(deps.config.oauth)
  const redirectUri = (p: OAuthProvider) => `${deps.config.publicUrl}/api/v1/auth/oauth/${p.id}/callback`
  const secure = new URL(deps.config.publicUrl).protocol === 'https:'
  // __Host- binds it to Engawa's exact origin: a sibling subdomain cannot plant its own state.
  const STATE_COOKIE = secure ? '__Host-engawa_oauth_state' : 'engawa_oauth_state'
  const providerOf = (id: string) => {
    const provider = providers.get(id)
    if (!provider) throw new AppError('not_found', `Signing in with "${id}" is not set up here.`)
    return provider
  }
  const failed = (c: Context, returnTo: string, reason: string) =>
    c.redirect(`${returnTo}#signin_error=${encodeURIComponent(reason)}`, 302)

  return createRouter()
    .openapi(listRoute, (c) => c.json({ providers: [...providers.values()].map((p) => ({ id: p.id, label: p.label })) }, 200))
    .openapi(startRoute, async (c) => {
      const provider = providerOf(c.req.valid('param').provider)
      const returnTo = safeReturnTo(c.req.valid('query').returnTo, deps.config.publicUrl)
      if (!returnTo) throw new AppError('invalid_request', 'returnTo must be a path on Engawa itself.')
      const attempt = await startAttempt(deps.db, provider.id, returnTo, deps.clock.now())
      let url: URL
      try {
        url = await provider.authorizationUrl(attempt, redirectUri(provider))
      } catch (error) {
        throw new AppError('provider_unavailable', `${provider.label} cannot be reached: ${(error as Error).message}`)
      }
      // Binds the attempt to this browser: a callback carried to another browser (login CSRF) fails.
      setCookie(c, STATE_COOKIE, attempt.state, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: 600 })
      return c.redirect(url.href, 302)
    })
    .openapi(callbackRoute, async (c) => {
      const provider = providerOf(c.req.valid('param').provider)
      const query = c.req.valid('query')
      const cookieState = getCookie(c, STATE_COOKIE)
      deleteCookie(c, STATE_COOKIE, { path: '/', secure })
      const encoder = new TextEncoder()
      if (!query.state || !cookieState || !constantTimeEqual(encoder.encode(query.state), encoder.encode(cookieState)))
        throw new AppError('invalid_state', 'This sign-in was not started in this browser, or has expired. Start again.')
      const attempt = await takeAttempt(deps.db, provider.id, query.state, deps.clock.now())
      if (!attempt) throw new AppError('invalid_state', 'This sign-in has expired or was already used. Start again.')
      if (query.error || !query.code) return failed(c, attempt.returnTo, query.error ?? 'no_code')
      let identity
      try {
        identity = await provider.identify(query.code, attempt, redirectUri(provider), new URL(c.req.url).searchParams)
      } catch (error) {
        deps.log.warn('oauth sign-in refused', { provider: provider.id, reason: (error as Error).message })
        return failed(c, attempt.returnTo, error instanceof OAuthError ? error.message : 'The provider refused the sign-in.')
      }
      try {
        const user = await accountForIdentity(deps.db, provider.id, identity, deps.clock.now())
        const { token } = await createSession(deps.db, user.id, null, deps.clock.now())
        setSessionCookie(c, deps.config, token)
        return c.redirect(attempt.returnTo, 302)
      } catch (error) {
        if (error instanceof AppError) return failed(c, attempt.returnTo, error.message)
        throw error
      }
    })
}
