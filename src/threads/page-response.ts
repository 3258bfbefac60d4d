import type { SiteRow } from '../db/schema.ts'
import { NO_SNIFF } from '../http/middleware/standard-headers.ts'
import { TDM_HEADERS } from '../http/middleware/tdm-reservation.ts'
import { isAllowedOrigin } from '../http/origins.ts'
import { EXPOSED_HEADERS } from '../sites/site-middleware.ts'
import type { CachedPage } from './page-cache.ts'

/**
 * The headers of a public thread page, in one plain object: the Node adapter sends those
 * without building a Headers instance, which is most of what a cached read costs otherwise.
 */
export function pageHeaders(site: SiteRow, origin: string | undefined, requestId: string, page: CachedPage) {
  const headers: Record<string, string> = {
    'X-Request-Id': requestId,
    ETag: page.etag,
    // s-maxage=1 lets a CDN carry read load while staying within the one-second freshness promise.
    'Cache-Control': 'public, max-age=0, s-maxage=1',
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
