import { sql, type Kysely } from 'kysely'
import { createMiddleware } from 'hono/factory'
import type { Config } from '../config.ts'
import type { Database } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { TtlCache } from '../http/ttl-cache.ts'
import { isAllowedOrigin } from '../http/origins.ts'

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
 * CORS for account routes the widget calls with its bearer token (`/me`, sign-out, moderation in
 * place). Which origins may call depends on the token's site, unknown before the token is read
 * (a preflight carries none); so the answer names the asking origin only when it is one some site
 * here allows, never with credentials (cookies do not cross origins), and `requireSessionOrigin`
 * then refuses a request whose origin the session's own site does not allow. Any other page gets
 * no CORS answer at all.
 */
export function sessionCors(db: Kysely<Database>, config: Config, now: () => number) {
  // Origins change when owners edit their sites: ten seconds late is soon enough here.
  const known = new TtlCache<boolean>(10_000, 10_000, now)
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin')
    if (origin === undefined || origin === config.publicUrl) return next()
    c.header('Vary', 'Origin')
    if (!(await known.getOrLoad(origin, () => isSomeSitesOrigin(db, origin)))) return next()
    c.header('Access-Control-Allow-Origin', origin)
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      c.header('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE')
      c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
      c.header('Access-Control-Max-Age', '600')
      return c.body(null, 204)
    }
    c.header('Access-Control-Expose-Headers', 'X-Request-Id')
    await next()
  })
}

/** Whether any site here lets pages of this origin embed it (a GIN index on allowed_origins answers). */
async function isSomeSitesOrigin(db: Kysely<Database>, origin: string): Promise<boolean> {
  const { rows } = await sql<{ known: boolean }>`select exists (select 1 from sites where allowed_origins @> array[${origin}]::text[]) as known`.execute(db)
  return rows[0]?.known ?? false
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
