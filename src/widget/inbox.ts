// inbox.js: a signed-in reader's replies and mentions on the site, loaded once they sign in.
// "Inbox" with the number not yet seen, and under it the list, each item a link to its comment.
import type { Inbox } from './api.ts'
import type { Context } from './context.ts'
import { h } from './dom.ts'

const WORDS = {
  en: { inbox: 'Inbox', unread: 'Inbox: {n} new', reply: '{name} replied to you', mention: '{name} mentioned you', on: 'on', empty: 'Nothing yet: replies to you and mentions of you come here.' },
  ja: { inbox: 'お知らせ', unread: 'お知らせ：新着 {n} 件', reply: '{name} さんがあなたに返信しました', mention: '{name} さんがあなたについて言及しました', on: '記事:', empty: 'まだありません。あなたへの返信や言及がここに届きます。' },
}

const shown = new WeakMap<Context, { refresh(): void; userId: string | undefined }>()

/** Draws the inbox's button in `slot` (the account row's place for it), once per widget, and keeps its count current. */
export function showInbox(ctx: Context, slot: HTMLElement): void {
  const installed = shown.get(ctx)
  // The account row is drawn again often; the count is asked again only for another reader.
  if (installed) {
    if (installed.userId !== ctx.state.user?.id) {
      installed.userId = ctx.state.user?.id
      installed.refresh()
    }
    return
  }
  const words = WORDS[ctx.t.lang]
  const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''))
  let box: Inbox = { unread: 0, items: [] }
  let open = false
  const panel = h('div', { class: 'menu', role: 'region', 'aria-label': words.inbox, hidden: true })
  const button = h('button', { type: 'button', class: 'l', 'aria-expanded': 'false', onclick: toggle }) as HTMLButtonElement
  slot.style.position = 'relative'
  slot.replaceChildren(button, panel)

  function draw() {
    button.textContent = box.unread ? fill(words.unread, { n: box.unread }) : words.inbox
    button.setAttribute('aria-expanded', String(open))
    // Through the CSSOM: the menu's own display would outrank the hidden attribute.
    panel.hidden = !open
    panel.style.display = open ? '' : 'none'
    const items = box.items.map((item) =>
      h(
        'li',
        {},
        h('a', { href: item.link, ...(item.read ? {} : { class: 'au' }) }, fill(words[item.kind], { name: item.author })),
        ` ${words.on} ${item.title} · `,
        h('time', { datetime: item.createdAt }, ctx.t.ago(new Date(item.createdAt))),
      ),
    )
    panel.replaceChildren(items.length ? h('ol', {}, ...items) : h('p', { class: 'hint' }, words.empty))
  }

  async function refresh() {
    try {
      box = await ctx.api.inbox()
      draw()
    } catch {
      // The count stays as it was; the next news or sign-in tries again.
    }
  }

  async function toggle() {
    open = !open
    draw()
    // Opening it is reading it: the count goes, the items not yet seen stay marked this time.
    if (open && box.unread) {
      await ctx.api.inboxRead().catch(() => undefined)
      box = { ...box, unread: 0 }
      button.textContent = words.inbox
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  // News in the thread may be a reply or a mention: looked at once the burst is over.
  ctx.heard = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void refresh(), 1000)
  }
  shown.set(ctx, { refresh: () => void refresh(), userId: ctx.state.user?.id })
  draw()
  void refresh()
}
