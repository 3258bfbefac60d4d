import { AppError } from '../http/errors.ts'
import { parseAllowedOrigin } from '../http/origins.ts'
import { normalizeThreadUrl, resolvePage, type PageRef } from '../threads/thread-key.ts'
import { REASONS } from './summary.ts'

/** Old origins onto the site's own, for a blog that moved before it moved its comments. */
export type OriginMap = ReadonlyMap<string, string>

/** `https://old.example=https://new.example` pairs, as the CLI, the API and the dashboard take them. */
export function parseOriginMap(pairs: readonly string[]): OriginMap {
  const map = new Map<string, string>()
  for (const pair of pairs) {
    const [from, to, ...rest] = pair.split('=')
    if (from === undefined || to === undefined || rest.length > 0)
      throw new AppError('invalid_request', `"${pair}" is not an origin mapping; write it like https://old.example=https://blog.example.`)
    map.set(parseAllowedOrigin(from), parseAllowedOrigin(to))
  }
  return map
}

/**
 * The Engawa page an imported thread lands on: its URL (a bare path is taken as on the site's
 * first origin) with a mapped origin replaced, keyed by the normalised URL as a reader's widget
 * would key it (or by the key the export carried), and on one of the site's allowed origins;
 * otherwise the reason it is skipped.
 */
export function importedPage(
  allowedOrigins: readonly string[],
  thread: { url: string; key?: string },
  origins: OriginMap,
): { page: PageRef } | { skipped: string } {
  // Isso, Waline, Comentario 3 and some Artalk exports know a page only by its path (`/posts/a/`):
  // such a page is on the site itself, so its first allowed origin.
  const isPath = thread.url.startsWith('/') && !thread.url.startsWith('//')
  const normalized = normalizeThreadUrl(isPath && allowedOrigins[0] ? allowedOrigins[0] + thread.url : thread.url)
  if (!normalized) return { skipped: REASONS.invalidUrl }
  const url = new URL(normalized)
  const mapped = origins.get(url.origin)
  const target = mapped ? mapped + normalized.slice(url.origin.length) : normalized
  try {
    return { page: resolvePage(allowedOrigins, { url: target, key: thread.key }) }
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return { skipped: allowedOrigins.includes(new URL(target).origin) ? REASONS.invalidUrl : REASONS.originNotAllowed }
  }
}
