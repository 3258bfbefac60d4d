import type { Kysely } from 'kysely'
import { createMiddleware } from 'hono/factory'
import type { Config } from '../config.ts'
import type { Database } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { isAllowedOrigin } from '../sites/origins.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for routes that read the dashboard cookie: a state-changing request that does
 * not carry a bearer token must come from a page on Engawa's own origin and be JSON, or raw
 * bytes (an uploaded export), neither of which a cross-site form can send without a
 * preflight. `Origin: null` and a missing Origin fail.
 */
const BODY_TYPES = new Set(['application/json', 'application/octet-stream'])

export function requireSameOrigin(config: Config) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.req.header('authorization') !== undefined) return next()
    const origin = c.req.header('origin')
    if (origin !== config.publicUrl)
      throw new AppError('cross_site_request', 'This request must come from a page of Engawa itself.')
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (c.req.method !== 'DELETE' && !BODY_TYPES.has(type ?? ''))
      throw new AppError('unsupported_media_type', 'Send the body as JSON, with Content-Type: application/json.')
    await next()
  })
}

/**
 * CORS for account routes the widget calls with its bearer token (`/me`, sign-out). Which
 * origins may call depends on the token's site, unknown before the token is read; so the
 * answer names the asking origin (never with credentials: cookies do not cross origins), and
 * `requireSessionOrigin` then refuses a request whose origin the session's site does not
 * allow. A foreign page can read nothing but that refusal.
 */
export function sessionCors(config: Config) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin')
    if (origin === undefined || origin === config.publicUrl) return next()
    c.header('Access-Control-Allow-Origin', origin)
    c.header('Vary', 'Origin')
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      c.header('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE')
      c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
      c.header('Access-Control-Max-Age', '600')
      return c.body(null, 204)
    }
    c.header('Access-Control-Expose-Headers', 'X-Request-Id')
    await next()
  })
}

/** After authenticate: a bearer session is used only from Engawa itself or its own site's pages. */
export function requireSessionOrigin(db: Kysely<Database>, config: Config) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin')
    const signedIn = c.var.signedIn
    if (origin === undefined || origin === config.publicUrl || signedIn?.via !== 'bearer') return next()
    const siteId = signedIn.session.site_id
    const site = siteId ? await db.selectFrom('sites').select('allowed_origins').where('id', '=', siteId).executeTakeFirst() : undefined
    if (!site || !isAllowedOrigin(site.allowed_origins, origin))
      throw new AppError('origin_not_allowed', `This session cannot be used from ${origin}.`)
    await next()
  })
}
