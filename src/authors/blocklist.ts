import { AppError } from '../http/errors.ts'

/**
 * Where a word list meets text. Words in scripts written with spaces match whole words only
 * (so "ass" does not catch "class"); Japanese and Chinese are written without spaces, so a
 * word containing kana or kanji matches anywhere. Both sides are NFKC-normalised and lower
 * case, so full-width ＳＰＡＭ and half-width ｽﾊﾟﾑ match their usual forms.
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u

export function normaliseForMatching(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The first blocked word that occurs in the text, if any. */
export function findBlockedWord(text: string, words: readonly string[]): string | undefined {
  if (words.length === 0) return undefined
  const haystack = normaliseForMatching(text)
  return words.find((word) => {
    const needle = normaliseForMatching(word)
    if (!needle) return false
    if (UNSPACED.test(needle)) return haystack.includes(needle)
    return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(needle)}(?![\\p{L}\\p{N}])`, 'u').test(haystack)
  })
}

/** Hosts of the links in a comment's rendered (sanitised) HTML. */
export function linkHosts(html: string): string[] {
  const hosts: string[] = []
  for (const match of html.matchAll(/<a\s[^>]*href="([^"]*)"/g)) {
    try {
      hosts.push(new URL((match[1] ?? '').replaceAll('&amp;', '&')).hostname.toLowerCase())
    } catch {
      hosts.push('')
    }
  }
  return hosts
}

/** The first blocked domain that one of the hosts is, or lies under. */
export function findBlockedLink(hosts: readonly string[], domains: readonly string[]): string | undefined {
  return domains.find((domain) => hosts.some((host) => host === domain || host.endsWith(`.${domain}`)))
}

/** Why the site's word and link lists hold a comment for review, if they do. */
export function heldByLists(site: { blocked_words: readonly string[]; blocked_links: readonly string[] }, body: string, hosts: readonly string[]): string | null {
  const word = findBlockedWord(body, site.blocked_words)
  if (word) return `Contains a blocked word: “${word}”.`
  const domain = findBlockedLink(hosts, site.blocked_links)
  if (domain) return `Links to a blocked domain: ${domain}.`
  return null
}

export function checkLinkCount(site: { max_links: number }, hosts: readonly string[]): void {
  if (hosts.length > site.max_links)
    throw new AppError('too_many_links', `A comment here may hold at most ${site.max_links} link${site.max_links === 1 ? '' : 's'}.`)
}
