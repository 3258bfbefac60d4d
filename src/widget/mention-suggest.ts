// Part of write.js: typing @ in a comment suggests the names of those who commented here with
// an account (guests cannot be mentioned), as the page shows them; nothing is asked of the server.
import type { Comment } from './api.ts'
import { h } from './dom.ts'

const MAX_SHOWN = 5

/** Names that can be mentioned in this thread: account authors of the comments on the page. */
export function mentionable(comments: Iterable<{ comment: Comment }>): string[] {
  const names = new Set<string>()
  for (const { comment } of comments) if (comment.author && comment.author.kind !== 'guest' && !comment.author.deleted) names.add(comment.author.name)
  return [...names]
}

/**
 * A listbox under the textarea while the word being typed starts with @: arrows choose, Enter or
 * Tab takes, Escape leaves it. The textarea stays the focus and points at the option chosen
 * (aria-activedescendant, which a textbox may carry); during IME composition nothing happens.
 */
export function withMentions(text: HTMLTextAreaElement, names: () => string[], id: string, label: string): HTMLElement {
  const list = h('ul', { role: 'listbox', id, class: 'menu', hidden: true, 'aria-label': label })
  let matches: string[] = []
  let active = 0
  let start = -1
  text.setAttribute('aria-autocomplete', 'list')
  text.setAttribute('aria-controls', id)

  function close() {
    list.hidden = true
    list.style.display = 'none'
    matches = []
    text.removeAttribute('aria-activedescendant')
  }

  function draw() {
    list.replaceChildren(
      ...matches.map((name, i) => {
        const option = h('li', { role: 'option', id: `${id}-${i}`, 'aria-selected': String(i === active), onmousedown: (e: Event) => (e.preventDefault(), take(i)) }, name)
        option.style.padding = '.2em .5em'
        if (i === active) option.style.background = 'var(--hl)'
        return option
      }),
    )
    list.hidden = matches.length === 0
    // Through the CSSOM: the menu's own display would outrank the hidden attribute.
    list.style.display = list.hidden ? 'none' : ''
    if (matches.length) text.setAttribute('aria-activedescendant', `${id}-${active}`)
  }

  function take(i: number) {
    const name = matches[i]
    if (name === undefined || start < 0) return
    const end = text.selectionStart
    text.setRangeText(`@${name} `, start, end, 'end')
    text.dispatchEvent(new Event('input', { bubbles: true }))
    close()
  }

  text.addEventListener('input', (e) => {
    if ((e as InputEvent).isComposing) return
    const before = text.value.slice(0, text.selectionStart)
    // The @ that starts the word being typed (a name may hold spaces: up to 30 characters back).
    const at = before.lastIndexOf('@')
    const typed = at < 0 ? '' : before.slice(at + 1)
    if (at < 0 || (at > 0 && /[\p{L}\p{N}_]/u.test(before[at - 1] ?? '')) || typed.length > 30 || typed.includes('\n')) return close()
    start = at
    const lower = typed.toLowerCase()
    matches = names().filter((name) => name.toLowerCase().startsWith(lower) && name !== typed).slice(0, MAX_SHOWN)
    active = 0
    draw()
  })
  text.addEventListener('keydown', (e) => {
    if (list.hidden || e.isComposing) return
    const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
    if (step) {
      e.preventDefault()
      active = (active + step + matches.length) % matches.length
      draw()
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault()
      e.stopPropagation()
      take(active)
    } else if (e.key === 'Escape') {
      e.preventDefault()
      close()
    }
  })
  text.addEventListener('blur', close)
  close()
  // The suggestions sit just under the text, positioned against this wrapper (through the CSSOM, which a page's CSP allows).
  const around = h('div', {}, text, list)
  around.style.position = 'relative'
  return around
}
