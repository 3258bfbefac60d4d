// react.js: the reaction picker and who reacted, fetched the first time a reader asks for
// either. The reactions already given are drawn by embed.js (comment-view.ts).
import type { Api } from './api.ts'
import { REACTION_GLYPHS } from './comment-view.ts'
import { h } from './dom.ts'
import type { Translator } from './i18n.ts'
import type { Shown } from './thread-view.ts'

/** Opens (or, pressed again, closes) the eight reactions under a comment; choosing one is the same as pressing its button there. */
export function openPicker(entry: Shown, button: HTMLElement, t: Translator, mine: readonly string[], show: (picker: HTMLElement | null) => void): void {
  const open = button.getAttribute('aria-expanded') !== 'true'
  button.setAttribute('aria-expanded', String(open))
  if (!open) return show(null)
  const choices = Object.entries(REACTION_GLYPHS).map(([kind, glyph]) =>
    h('button', { type: 'button', class: 'l rx', 'data-react': kind, 'aria-pressed': String(mine.includes(kind)) }, glyph),
  )
  show(h('div', { role: 'group', 'aria-label': t.t('react'), class: 'acts' }, ...choices))
  choices[0]?.focus()
}

const named = new WeakSet<object>()

/** Puts who reacted (names, then how many guests) on each reaction's button as its title; once per comment as shown. */
export async function nameReactors(api: Api, t: Translator, entry: Shown): Promise<void> {
  if (named.has(entry.comment)) return
  named.add(entry.comment)
  const { reactions } = await api.reactors(entry.comment.id)
  const list = new Intl.ListFormat(t.lang)
  for (const r of reactions) {
    const names = [...r.names, ...(r.guests ? [`${t.t('guest')} ×${r.guests}`] : [])]
    entry.li.querySelector(`:scope > article button.rx[data-react="${r.kind}"]`)?.setAttribute('title', list.format(names))
  }
}
