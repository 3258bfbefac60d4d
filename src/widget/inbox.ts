// inbox.js: a signed-in reader's replies and mentions on the site, loaded once they sign in.
// "Inbox" with the number not yet seen, and under it the list, each item a link to its comment.
import { openStream, type Inbox } from './api.ts'
import type { Context } from './context.ts'
import { h } from './dom.ts'

const WORDS = {
  en: { inbox: 'Inbox', unread: 'Inbox: {n} new', reply: '{name} replied to you', mention: '{name} mentioned you', on: 'on', empty: 'Nothing yet: replies to you and mentions of you come here.' },
  ja: { inbox: 'お知らせ', unread: 'お知らせ：新着 {n} 件', reply: '{name} さんがあなたに返信しました', mention: '{name} さんがあなたについて言及しました', on: '記事:', empty: 'まだありません。あなたへの返信や言及がここに届きます。' },
}

const shown = new WeakMap<Context, { listen(): void; token: string | null }>()

/** Draws the inbox's button in `slot` (the account row's place for it), once per widget, and keeps its count current. */
export function showInbox(ctx: Context, slot: HTMLElement, base: string, site: string): void {
  const installed = shown.get(ctx)
  // The account row is drawn again often; the inbox is heard anew only under another session.
  if (installed) {
    if (installed.token !== ctx.store.session()) installed.listen()
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
  const soon = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void refresh(), 1000)
  }
  // Where the reader's own stream runs, it says when something came; elsewhere news in the thread
  // may be a reply or a mention: looked at once the burst is over.
  let streaming = false
  ctx.heard = () => streaming || soon()
  let stop = new AbortController()
  const state = { listen, token: null as string | null }
  function listen() {
    stop.abort()
    stop = new AbortController()
    streaming = false
    state.token = ctx.store.session()
    if (!state.token) return
    let read = false
    const look = () => ((read = true), void refresh())
    void hearNews(`${base}/api/v1/sites/${encodeURIComponent(site)}/inbox/live`, state.token, stop.signal, {
      // Each time it opens, what came while it was not open is read; where it cannot open, once all the same.
      ready: () => ((streaming = true), look()),
      news: soon,
      closed: () => ((streaming = false), read || look()),
    })
  }
  // Signed out: their stream goes, and their count with it.
  ctx.gone = () => {
    stop.abort()
    state.token = null
    box = { unread: 0, items: [] }
    draw()
  }
  shown.set(ctx, state)
  draw()
  listen()
}

/**
 * The reader's inbox stream (Server-Sent Events read through fetch: it needs the bearer token,
 * which EventSource cannot send). Reconnects after a drop, waiting longer each time unless the
 * last stream lasted (and as long as the server asks after a 429); gives up where the server
 * holds no streams (501) or the session ended. `closed` comes after every try, open or not.
 */
async function hearNews(url: string, token: string, signal: AbortSignal, on: { ready(): void; news(): void; closed(): void }) {
  let wait = 1000
  while (!signal.aborted) {
    let opened = 0
    try {
      const res = await openStream(url, token, signal)
      if ([401, 403, 404, 501].includes(res.status)) return on.closed()
      if (res.status === 429) wait = Math.max(wait, (Number(res.headers.get('retry-after')) || 60) * 1000)
      if (!res.ok || !res.body) throw new Error(String(res.status))
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        const events = (buffer + chunk.value).split('\n\n')
        buffer = events.pop() ?? ''
        if (!opened && events.some((event) => /^event: ready$/m.test(event))) ((opened = Date.now()), on.ready())
        if (events.some((event) => /^event: inbox$/m.test(event))) on.news()
      }
    } catch {
      // Dropped, or refused for now: the thread's news stand in until it is back.
    }
    on.closed()
    if (signal.aborted) return
    // A stream that lasted was a good one: the next try comes soon. One that broke at once waits longer each time.
    wait = opened && Date.now() - opened > 30_000 ? 1000 : Math.min(wait * 2, 60_000)
    await new Promise((resume) => setTimeout(resume, wait))
  }
}
