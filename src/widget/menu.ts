import { h } from './dom.ts'

export interface MenuItem {
  label: string
  /** Shown, but not chosen (say, "Reported"). */
  disabled?: boolean
  choose(): void
}

/** The menu open now, if any: one at a time. */
let closeOpen: ((refocus: boolean) => void) | undefined

/**
 * A small menu under its button (WAI-ARIA menu button): opens with focus on the first item;
 * arrows move, Escape closes and returns focus to the button, Tab or a click elsewhere closes,
 * and its button pressed again closes it.
 */
export function openMenu(button: HTMLElement, items: MenuItem[]): void {
  const wasOpen = button.getAttribute('aria-expanded') === 'true'
  closeOpen?.(false)
  if (wasOpen) return
  const entries = items.map((item) =>
    h('button', { type: 'button', role: 'menuitem', tabindex: -1, 'aria-disabled': item.disabled ? 'true' : undefined }, item.label),
  )
  const menu = h('div', { class: 'menu', role: 'menu' }, ...entries)
  const close = (refocus: boolean) => {
    menu.remove()
    button.setAttribute('aria-expanded', 'false')
    removeEventListener('click', outside, true)
    closeOpen = undefined
    if (refocus) button.focus()
  }
  const outside = (event: Event) => {
    const path = event.composedPath()
    if (!path.includes(menu) && !path.includes(button)) close(false)
  }
  entries.forEach((entry, i) =>
    entry.addEventListener('click', () => {
      const item = items[i]
      if (!item || item.disabled) return
      close(false)
      item.choose()
    }),
  )
  menu.addEventListener('keydown', (event) => {
    const at = entries.indexOf(event.target as HTMLButtonElement)
    const move = { ArrowDown: 1, ArrowUp: -1, Home: -at, End: entries.length - 1 - at }[event.key]
    if (move !== undefined) {
      event.preventDefault()
      entries[(at + move + entries.length) % entries.length]?.focus()
    } else if (event.key === 'Escape') {
      event.preventDefault()
      close(true)
    } else if (event.key === 'Tab') close(false)
  })
  button.after(menu)
  menu.style.insetInlineStart = `${button.offsetLeft}px`
  button.setAttribute('aria-expanded', 'true')
  addEventListener('click', outside, true)
  closeOpen = close
  entries[0]?.focus()
}
