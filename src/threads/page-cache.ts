import type { Deps } from '../deps.ts'
import { TtlCache } from '../http/ttl-cache.ts'

export interface CachedPage {
  /** UTF-8 bytes, encoded once: a hit sends them as they are. */
  body: Uint8Array<ArrayBuffer>
  etag: string
  /** The thread's version the page shows (0: no thread yet). */
  version: number
}

/** Memory for cached pages per instance; a page over an eighth of it is never cached. */
const PAGE_CACHE_BYTES = 64 * 1024 * 1024

/**
 * Rendered public thread pages, kept at most `pageCacheMs` (≤ 1 s), so every instance shows a
 * committed write within a second; this instance's own writes drop the thread's pages at once.
 */
export function createPageCache({ config, clock }: Pick<Deps, 'config' | 'clock'>) {
  const now = () => clock.now().getTime()
  const cache = new TtlCache<CachedPage>(config.pageCacheMs, PAGE_CACHE_BYTES, now, (page) => page.body.byteLength)
  // The raw query string a page was asked with, to the entry it resolved to, so a repeated
  // request finds its page without parsing, validating or normalising anything again.
  const requests = new TtlCache<string>(config.pageCacheMs, 5_000, now)
  // What makes a page's ETag (the thread's id and version), for revalidations of pages not held.
  const stamps = new TtlCache<ThreadStamp | undefined>(config.pageCacheMs, 10_000, now)
  const prefix = (siteId: string, key: string) => `${siteId}\n${key}\n`
  return {
    load: async (siteId: string, key: string, variant: string, rawQuery: string, render: () => Promise<CachedPage>) => {
      const entry = prefix(siteId, key) + variant
      const page = await cache.getOrLoad(entry, render)
      requests.set(`${siteId}?${rawQuery}`, entry)
      return page
    },
    /** As `load`, but a page held from before the thread's `version` is rendered anew and replaces it. */
    loadAtLeast: async (siteId: string, key: string, variant: string, version: number, render: () => Promise<CachedPage>) => {
      const entry = prefix(siteId, key) + variant
      const held = cache.getFresh(entry)
      if (held && held.version >= version) return held
      const asked = now()
      const page = await render()
      cache.set(entry, page, asked)
      // Not offered to the fast path by its query: an older page, loaded at the same time from a
      // replica, may take this entry's place, which only this check would see.
      return page
    },
    /** The thread's id and version, read (once for a burst of requests) with `load`. */
    stamp: (siteId: string, key: string, load: () => Promise<ThreadStamp | undefined>) => stamps.getOrLoad(prefix(siteId, key), load),
    /** The page of this variant while still fresh; undefined otherwise. */
    fresh: (siteId: string, key: string, variant: string): CachedPage | undefined => cache.getFresh(prefix(siteId, key) + variant),
    /** A page asked for exactly this way before, while still fresh; undefined otherwise. */
    findFresh: (siteId: string, rawQuery: string): CachedPage | undefined => {
      const entry = requests.get(`${siteId}?${rawQuery}`)
      return entry === undefined ? undefined : cache.getFresh(entry)
    },
    /** A committed change to the thread: its pages go. */
    changed: (siteId: string, key: string, _announcement: string | null) => {
      const p = prefix(siteId, key)
      cache.deleteWhere((k) => k.startsWith(p))
      stamps.deleteWhere((k) => k === p)
    },
  }
}
export type PageCache = ReturnType<typeof createPageCache>

/** Raise when a thread page's JSON changes shape, so no browser keeps a page of the old shape as current. */
const PAGE_FORMAT = 2

/**
 * A page's ETag, from what it shows rather than its bytes: the thread (a thread made again at
 * the same page is another thread), its version, which every change readers can see moves on
 * (threads/thread-changes.ts), and the variant (order, cursor, sizes). So a revalidation is
 * answered from the thread's row alone, without reading or rendering the page.
 */
export interface ThreadStamp {
  id: string
  version: number
}

export async function pageEtag(thread: ThreadStamp | undefined, variant: string): Promise<string> {
  const stamp = new TextEncoder().encode(`${PAGE_FORMAT}\n${thread?.id ?? ''}\n${thread?.version ?? 0}\n${variant}`)
  return strongEtag(stamp)
}

/** A strong ETag: the first 16 bytes of the SHA-256 of `bytes`, in hex. */
export async function strongEtag(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return `"${Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}"`
}
