import { AppError } from '../http/errors.ts'
import { isAllowedOrigin } from '../http/origins.ts'
import type { SiteRow } from '../db/schema.ts'

/** Query parameters that say how a reader arrived, not which page they are on. */
const TRACKING_PARAMETERS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'gclsrc', 'msclkid', 'yclid', 'twclid', 'ttclid',
  'li_fat_id', 'igshid', 'mc_cid', 'mc_eid', '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id',
  'oly_enc_id', 'vero_id', 'wickedid', 'rb_clickid', 's_cid', 'ref_src', 'ref_url',
])
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_']

function isTracking(name: string): boolean {
  const lower = name.toLowerCase()
  return TRACKING_PARAMETERS.has(lower) || TRACKING_PREFIXES.some((p) => lower.startsWith(p))
}

/**
 * One article under several URLs is one thread: scheme and host lower-cased (the URL parser
 * does that and drops default ports), no credentials, no fragment, no tracking parameters,
 * the remaining query sorted, and a trailing slash dropped except at the root.
 * Returns undefined for anything that is not an absolute http(s) URL.
 */
export function normalizeThreadUrl(input: string): string | undefined {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  url.username = ''
  url.password = ''
  url.hash = ''
  for (const name of [...url.searchParams.keys()]) if (isTracking(name)) url.searchParams.delete(name)
  url.searchParams.sort()
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '') || '/'
  const query = url.searchParams.toString()
  return `${url.origin}${url.pathname}${query ? `?${query}` : ''}`
}

export const MAX_URL_LENGTH = 2000

export interface PageRef {
  /** The thread's key: the page's stable id when the embed gives one, else its normalised URL. */
  key: string
  url: string
}

/** Resolves what the widget sent into a thread key, refusing pages outside the site's origins. */
export function resolvePage(allowedOrigins: readonly string[], input: { key?: string; url: string }): PageRef {
  const url = normalizeThreadUrl(input.url)
  if (!url) throw new AppError('url_not_allowed', 'The page URL must be an absolute http or https URL.')
  // The key lives in a unique index, whose entries Postgres caps near 2.7 kB.
  if (url.length > MAX_URL_LENGTH) throw new AppError('url_not_allowed', `The page URL is longer than ${MAX_URL_LENGTH} characters.`)
  if (!isAllowedOrigin(allowedOrigins, new URL(url).origin))
    throw new AppError('url_not_allowed', `This site does not include pages on ${new URL(url).origin}.`)
  const key = input.key?.trim()
  return { key: key || url, url }
}

/** The key of the page a request names, by its `key` or its `url` (resolved as resolvePage does). */
export function threadKeyOf(site: Pick<SiteRow, 'allowed_origins'>, page: { key?: string | undefined; url?: string | undefined }): string {
  if (page.key) return page.key
  if (page.url) return resolvePage(site.allowed_origins, { url: page.url }).key
  throw new AppError('invalid_request', 'Name the page with its key or its url.')
}
