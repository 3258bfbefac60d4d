import { createMiddleware } from 'hono/factory'
import type { SiteRow } from '../db/schema.ts'
import type { TtlCache } from '../http/ttl-cache.ts'
import type { Log } from '../log.ts'
import { isAllowedOrigin } from '../http/origins.ts'
import type { PageCache } from './page-cache.ts'
import { pageHeaders, pageResponse } from './page-response.ts'

/**
 * Answers a repeated public page read from memory before any other middleware runs: the
 * request was validated and resolved when the page was first built, and writes through this
 * instance drop it. Anything else (a miss, a stale entry, another route) goes the normal way.
 */
export function pageFastPath(sites: TtlCache<SiteRow>, pages: PageCache, log: Log) {
  return createMiddleware(async (c, next) => {
    const url = c.req.url
    const query = url.indexOf('?')
    const site = query < 0 ? undefined : sites.getFresh(c.req.param('site') ?? '')
    const page = site && pages.findFresh(site.id, url.slice(query + 1))
    const origin = c.req.header('origin')
    // A page on an origin the site does not allow is refused, with reasons, the normal way.
    if (!site || !page || (origin !== undefined && !isAllowedOrigin(site.allowed_origins, origin))) return next()
    const requestId = crypto.randomUUID()
    const response = pageResponse(pageHeaders(site, origin, requestId, page), page, c.req.header('if-none-match'))
    log.info('request', { requestId, method: c.req.method, path: c.req.path, status: response.status, cached: true })
    return response
  })
}
