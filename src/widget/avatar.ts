import type { Author } from './api.ts'
import { h } from './dom.ts'
import { graphemes } from './graphemes.ts'

/** A word's first letter or digit: "(illustrator)" gives I. */
const firstLetter = (word: string) => graphemes(word).find((c) => /[\p{L}\p{N}]/u.test(c)) ?? ''

/** "Aki Tanaka" → AT, "田中" → 田: the first letter of the first word, and of the last when there are several. */
export function initials(name: string): string {
  const words = name.split(/\s+/).filter((word) => firstLetter(word))
  const last = words.length > 1 ? firstLetter(words[words.length - 1] ?? '') : ''
  return (firstLetter(words[0] ?? '') + last).toUpperCase()
}

/**
 * Initials on the author's colour. Decorative (the name follows it), drawn by the widget
 * itself: no request to any third party tells it who is reading what.
 */
export function avatar(author: Author): HTMLElement {
  const el = h('span', { class: 'av', 'aria-hidden': 'true' }, author.deleted ? '' : initials(author.name))
  // Through the CSSOM: a host page's CSP may refuse style attributes, never this.
  // OKLCH at 48% lightness: every hue as light as the next, white on it above 4.5:1 (WCAG AA).
  el.style.backgroundColor = author.hue === undefined || author.deleted ? 'var(--mu)' : `oklch(48% 0.12 ${author.hue})`
  return el
}
