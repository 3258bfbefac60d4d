import type { Deps } from '../deps.ts'
import { TtlCache } from '../http/ttl-cache.ts'

export interface CachedCommunityPage {
  body: Uint8Array<ArrayBuffer>
  etag: string
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

/** A strong ETag from the bytes themselves: a page says the same as before exactly when it is the same. */
export async function bodyEtag(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', body)
  return `"${Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}"`
}
