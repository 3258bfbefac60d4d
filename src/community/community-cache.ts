import type { Deps } from '../deps.ts'
import { TtlCache } from '../http/ttl-cache.ts'

export interface CachedCommunityPage {
  body: Uint8Array<ArrayBuffer>
  etag: string
  /** Nothing to show (a profile that is not public): kept like a page, answered 404. */
  missing?: boolean
}

/** Memory for community pages per instance. */
const COMMUNITY_CACHE_BYTES = 16 * 1024 * 1024

/**
 * Community pages, kept at most `pageCacheMs` (≤ 1 s) like thread pages, so every instance
 * shows a committed write within a second; a change this instance commits on any of a site's
 * threads drops that site's pages at once.
 */
export function createCommunityCache({ config, clock }: Pick<Deps, 'config' | 'clock'>) {
  const cache = new TtlCache<CachedCommunityPage>(config.pageCacheMs, COMMUNITY_CACHE_BYTES, () => clock.now().getTime(), (page) => page.body.byteLength)
  return {
    load: (siteId: string, variant: string, render: () => Promise<CachedCommunityPage>) => cache.getOrLoad(`${siteId}\n${variant}`, render),
    changed: (siteId: string) => cache.deleteWhere((key) => key.startsWith(`${siteId}\n`)),
  }
}
export type CommunityCache = ReturnType<typeof createCommunityCache>
