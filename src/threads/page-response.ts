import type { SiteRow } from '../db/schema.ts'
import { NO_SNIFF } from '../http/middleware/standard-headers.ts'
import { TDM_HEADERS } from '../http/middleware/tdm-reservation.ts'
import { isAllowedOrigin } from '../http/origins.ts'
import { EXPOSED_HEADERS } from '../sites/site-middleware.ts'
import type { CachedPage } from './page-cache.ts'

/** s-maxage=1 lets a CDN carry read load while staying within the one-second freshness promise. */
export const PAGE_CACHE_CONTROL = 'public, max-age=0, s-maxage=1'

/**
 * All the headers of a page answered from memory (page-fast-path.ts), which no middleware sees:
 * what the site's middleware would add (CORS, nosniff, the TDM reservation) and the page's own.
 * One plain object: the Node adapter sends it without building a Headers instance, which is
 * most of what a cached read costs otherwise. A test holds the two paths' headers equal.
 */
export function pageHeaders(site: SiteRow, origin: string | undefined, requestId: string, page: CachedPage) {
  const headers: Record<string, string> = {
    'X-Request-Id': requestId,
    ETag: page.etag,
    'Cache-Control': PAGE_CACHE_CONTROL,
    Vary: 'Origin',
    ...NO_SNIFF,
    ...(site.reserves_tdm ? TDM_HEADERS : {}),
  }
  if (origin !== undefined && isAllowedOrigin(site.allowed_origins, origin)) {
    headers['Access-Control-Allow-Origin'] = origin
    headers['Access-Control-Expose-Headers'] = EXPOSED_HEADERS.join(',')
  }
  return headers
}

export function pageResponse(headers: Record<string, string>, page: CachedPage, ifNoneMatch: string | undefined) {
  if (ifNoneMatch === page.etag) return new Response(null, { status: 304, headers })
  return new Response(page.body, { status: 200, headers: { ...headers, 'Content-Type': 'application/json; charset=UTF-8' } })
}
