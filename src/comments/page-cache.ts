import type { Deps } from '../deps.ts'
import { TtlCache } from '../http/ttl-cache.ts'

export interface CachedPage {
  /** UTF-8 bytes, encoded once: a hit sends them as they are. */
  body: Uint8Array<ArrayBuffer>
  etag: string
}

/**
 * Rendered public thread pages, kept at most `pageCacheMs` (≤ 1 s), so every instance shows a
 * committed write within a second; this instance's own writes drop the thread's pages at once.
 */
export function createPageCache({ config, clock }: Pick<Deps, 'config' | 'clock'>) {
  const cache = new TtlCache<CachedPage>(config.pageCacheMs, 5_000, () => clock.now().getTime())
  const prefix = (siteId: string, key: string) => `${siteId}\n${key}\n`
  return {
    load: (siteId: string, key: string, variant: string, render: () => Promise<CachedPage>) =>
      cache.getOrLoad(prefix(siteId, key) + variant, render),
    invalidate: (siteId: string, key: string) => {
      const p = prefix(siteId, key)
      cache.deleteWhere((k) => k.startsWith(p))
    },
  }
}
export type PageCache = ReturnType<typeof createPageCache>

export async function etagOf(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', body)
  const hex = Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
  return `"${hex}"`
}
