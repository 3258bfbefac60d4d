import type { Kysely } from 'kysely'
import { cors } from 'hono/cors'
import { createMiddleware } from 'hono/factory'
import type { Database, SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { withdrawTdmReservation } from '../http/middleware/tdm-reservation.ts'
import type { TtlCache } from '../http/ttl-cache.ts'
import { isAllowedOrigin } from '../http/origins.ts'
import { getSite } from './sites.ts'

/** Resolves `{site}` once per request (cached briefly: settings change rarely). */
export function loadSite(db: Kysely<Database>, cache: TtlCache<SiteRow>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = c.req.param('site') ?? ''
    const site = await cache.getOrLoad(id, () => getSite(db, id))
    c.set('site', site)
    if (!site.reserves_tdm) withdrawTdmReservation(c)
    await next()
  })
}

/** What a site's pages may read of an answer: the page's ETag, the request id to quote, when to retry, whether a post was replayed. */
export const EXPOSED_HEADERS = ['ETag', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed']

/** CORS that names the one requesting origin when the site allows it, and nothing otherwise. */
export function siteCors() {
  return cors({
    origin: (origin, c) => (isAllowedOrigin((c.get('site') as SiteRow).allowed_origins, origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization', 'X-Edit-Token', 'If-None-Match', 'Idempotency-Key'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  })
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Public reads that serve any reader, not the widget: feeds (readers, extensions) and counts. */
const OPEN_READS = /\/(feed\.atom|counts)$/

/** The host without `www.`: how a site owner's near miss (www, http) is recognised. */
const bareHost = (origin: string) => URL.parse(origin)?.hostname.replace(/^www\./, '') ?? origin

/**
 * A browser page on an origin the site does not allow gets neither the widget's reads nor a way
 * to write. The answer names the origin and, when the site allows one that differs only by
 * `www.` or the scheme, that one, so a site owner who embedded the widget on the wrong one sees
 * the fix in the console; the rest of the list stays private. A request without Origin comes
 * from a server or a script, not a page, and is allowed (and rate limited).
 */
export function requireSiteOrigin() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin')
    const site = c.var.site
    const open = SAFE_METHODS.has(c.req.method) && OPEN_READS.test(c.req.path)
    if (origin !== undefined && !open && !isAllowedOrigin(site.allowed_origins, origin)) {
      const near = site.allowed_origins.filter((allowed) => bareHost(allowed) === bareHost(origin))
      throw new AppError(
        'origin_not_allowed',
        `Site "${site.id}" does not allow pages on ${origin}${near.length ? ` (it allows ${near.join(' and ')})` : ''}. ` +
          `Its owner can add ${origin} to the site's allowed origins.`,
      )
    }
    await next()
  })
}

/**
 * Error answers of a site's public routes are readable by any page: without CORS headers the
 * browser hides them, and a wrong data-site, an origin not allowed or a body too large all look
 * like an outage. The widget sends no cookies there, so `*` grants nothing.
 */
export function readableErrors() {
  return createMiddleware(async (c, next) => {
    await next()
    if (c.res.status < 400 || c.req.header('origin') === undefined || c.res.headers.has('Access-Control-Allow-Origin')) return
    c.res.headers.set('Access-Control-Allow-Origin', '*')
    c.res.headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(','))
    c.res.headers.append('Vary', 'Origin')
  })
}
