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

/**
 * A browser page on an origin the site does not allow may not write. A request without
 * Origin comes from a server or a script, not a page, and is allowed (and rate limited).
 */
export function requireSiteOrigin() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin')
    if (!SAFE_METHODS.has(c.req.method) && origin !== undefined && !isAllowedOrigin(c.var.site.allowed_origins, origin))
      throw new AppError('origin_not_allowed', `This site does not accept comments from ${origin}. Its owner can add that origin.`)
    await next()
  })
}
