import { isApiError } from './api.ts'
import type { Translator } from './i18n.ts'

/** Refusals that mean the embed is set up wrongly: readers get a short word, the site's owner the whole story. */
const SETUP_ERRORS = new Set(['site_not_found', 'origin_not_allowed', 'payload_too_large'])

/** Refusals readers are told of in their own words; any other is said as the server says it (in English) or as a failure. */
const READER_WORDS: Record<string, Parameters<Translator['t']>[0]> = {
  offline: 'offline',
  comment_too_long: 'tooLong',
  rate_limited: 'rateLimited',
  thread_locked: 'closed',
  guests_not_allowed: 'signInToComment',
  name_reserved: 'nameReserved',
  banned: 'banned',
  too_many_links: 'tooManyLinks',
  unavailable: 'unavailable',
  payload_too_large: 'tooLarge',
  site_not_found: 'notHere',
  origin_not_allowed: 'notHere',
}

/** The page cannot show this site's comments at all (a wrong data-site, an origin not allowed). */
export const isRefusedHere = (error: unknown) => isApiError(error) && READER_WORDS[error.code] === 'notHere'

/**
 * Words a reader understands for what went wrong; what they typed always stays. A setup
 * problem also goes to the console, in the server's own words (which site id, which origin,
 * where to allow it), where a site owner looks.
 */
export function explain(t: Translator, error: unknown, maxLength?: number): string {
  if (!isApiError(error)) return t.t('failed')
  if (SETUP_ERRORS.has(error.code)) console.error(`Engawa: ${error.message || error.code}`)
  if (error.code === 'comment_too_long' && maxLength) return t.t('tooLongN', { n: maxLength })
  const key = READER_WORDS[error.code]
  if (key) return t.t(key)
  return t.lang === 'en' && error.status < 500 && error.message ? error.message : t.t('failed')
}
