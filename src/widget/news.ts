import type { Comment, ThreadPage } from './api.ts'
import type { Context } from './context.ts'
import type { ThreadNews } from './live.ts'
import type { Shown } from './thread-view.ts'

/**
 * What the widget does with news of its thread. New comments wait behind a notice (`fresh`),
 * so the page never moves under the reader; changes to comments shown happen in place.
 */
export function threadNews(ctx: Context, fresh: HTMLButtonElement, accountChanged: () => void) {
  const { t, state, view } = ctx
  const waiting = new Map<string, Comment>()
  let stale = false

  function notice() {
    fresh.textContent = stale ? t.t('renewed') : t.n('newComments', waiting.size)
    fresh.hidden = !stale && waiting.size === 0
  }

  function arrived(c: Comment) {
    if (view.shown.has(c.id) || waiting.has(c.id)) return
    waiting.set(c.id, c)
    notice()
    ctx.announce(t.n('arrived', waiting.size))
    ctx.heard?.()
  }

  /** A comment changed on the server: it changes in place, or goes, without moving the rest of the page. */
  function updated({ comment: c, visible }: { comment: Comment; visible: boolean }) {
    const published = c.status === 'published'
    if (waiting.has(c.id) || !view.shown.has(c.id)) {
      // Not on the page yet: an approved comment is news like a new one; one taken back is no longer news.
      if (visible && published) return waiting.has(c.id) ? void waiting.set(c.id, c) : arrived(c)
      if (waiting.delete(c.id)) notice()
      return
    }
    if (c.status === 'deleted') {
      delete state.own[c.id]
      delete state.rights[c.id]
    }
    const entry = view.shown.get(c.id) as Shown
    const wasPublished = entry.comment.status === 'published'
    if (c.id in state.own && (!visible || c.author === null) && c.status !== 'deleted') {
      // Their own comment: its author still sees their words, now marked with what became of them.
      view.refresh({ ...entry.comment, status: c.status, ...(c.reason ? { reason: c.reason } : {}) })
    } else if (visible) view.refresh(c)
    else view.remove(c.id)
    const delta = (visible && published ? 1 : 0) - (wasPublished ? 1 : 0)
    if (delta !== 0) ctx.setTotal(state.total + delta)
  }

  function thread(next: NonNullable<ThreadPage['thread']>) {
    if (next.locked !== state.locked) {
      state.locked = next.locked
      accountChanged()
      ctx.announce(t.t(state.locked ? 'closed' : 'done'))
    }
    if (next.pinnedId !== state.pinnedId) {
      const before = state.pinnedId
      state.pinnedId = next.pinnedId
      for (const id of [before, state.pinnedId]) {
        const entry = id ? view.shown.get(id) : undefined
        if (entry) view.refresh(entry.comment)
      }
    }
  }

  function renewed() {
    stale = true
    notice()
    ctx.announce(t.t('renewed'))
  }

  fresh.addEventListener('click', () => {
    if (stale) {
      stale = false
      waiting.clear()
      fresh.hidden = true
      void ctx.load()
      return
    }
    let first: Shown | undefined
    for (const c of waiting.values()) {
      if (view.shown.has(c.id)) continue
      const entry = view.insertNew(c, { sort: state.sort, hasMore: state.nextCursor !== null, own: false })
      first ??= entry
    }
    ctx.setTotal(state.total + waiting.size)
    waiting.clear()
    fresh.hidden = true
    first?.li.querySelector('article')?.focus()
  })

  const news: ThreadNews & { posted(id: string): void } = {
    arrived,
    updated,
    thread,
    renewed,
    /** The reader's own post: its live event may have come first, and is no news to them. */
    posted(id) {
      waiting.delete(id)
      notice()
    },
  }
  return news
}
