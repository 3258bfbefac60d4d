import type { Comment, ThreadPage } from './api.ts'
import { DISPLAY_DEPTH } from './comment-view.ts'
import { h } from './dom.ts'
import type { Translator } from './i18n.ts'

export interface Shown {
  comment: Comment
  li: HTMLLIElement
  /** Where this comment's replies go: its own list, or, past DISPLAY_DEPTH, the list it sits in. */
  replies: HTMLOListElement
}

export interface ThreadViewOptions {
  t: Translator
  list: HTMLOListElement
  /** The reader's own new comments that belong after pages not loaded yet, with a note saying so. */
  later: HTMLOListElement
  laterNote: HTMLElement
  /** A comment's block as this reader sees it; `replyingTo` when it is shown flattened under a deeper thread. */
  article(c: Comment, replyingTo: string | undefined): HTMLElement
  readBranch(cursor: string): Promise<ThreadPage>
  fail(error: unknown): void
}

/** The comments on the page: where each one goes, and how it is redrawn in place. */
export function createThreadView(o: ThreadViewOptions) {
  const { t, list, later } = o
  const shown = new Map<string, Shown>()

  function articleFor(c: Comment) {
    const parent = c.parentId ? shown.get(c.parentId) : undefined
    // First-strong isolates: a right-to-left name cannot reorder the words around it.
    return o.article(c, c.depth > DISPLAY_DEPTH && parent?.comment.author ? `\u2068${parent.comment.author.name}\u2069` : undefined)
  }

  function place(c: Comment, parent: Shown | undefined, target = parent?.replies ?? list): Shown {
    const article = articleFor(c)
    const li = h('li', { id: `engawa-comment-${c.id}`, 'data-id': c.id }, article) as HTMLLIElement
    foldLongBody(article, c.id)
    const childList = h('ol') as HTMLOListElement
    if (c.depth < DISPLAY_DEPTH) li.append(childList)
    const previous = shown.get(c.id)
    // The reader's own comment, shown early after the loaded pages, takes its place once its page comes.
    if (previous && (previous.li.parentElement !== later || target === later)) previous.li.replaceWith(li)
    else {
      previous?.li.remove()
      target.append(li)
    }
    const entry: Shown = { comment: c, li, replies: c.depth < DISPLAY_DEPTH ? childList : target }
    shown.set(c.id, entry)
    for (const reply of c.replies) place(reply, entry)
    if (c.repliesCursor) li.append(moreReplies(entry, c.repliesCursor))
    noteLater()
    return entry
  }

  function moreReplies(entry: Shown, cursor: string) {
    const button = h('button', { type: 'button', class: 'more' }, t.t('moreReplies')) as HTMLButtonElement
    button.addEventListener('click', async () => {
      button.disabled = true
      try {
        const page = await o.readBranch(cursor)
        button.remove()
        for (const c of page.comments) place(c, c.parentId ? shown.get(c.parentId) : entry)
        if (page.nextCursor) entry.li.append(moreReplies(entry, page.nextCursor))
      } catch (e) {
        button.disabled = false
        o.fail(e)
      }
    })
    return button
  }

  /** Redraws a comment's own block; its replies, and a reply being written under it (draft and focus), stay. */
  function refresh(c: Comment) {
    const entry = shown.get(c.id)
    if (!entry) return
    const replies = entry.comment.replies
    const next = { ...c, replies: [] }
    const before = entry.li.querySelector(':scope > article')
    const after = articleFor(next)
    const slot = before?.querySelector(':scope > .slot')
    if (slot?.firstChild) after.querySelector(':scope > .slot')?.replaceWith(slot)
    const body = before?.querySelector(':scope > .body')
    if (body) sizes.unobserve(body)
    before?.replaceWith(after)
    foldLongBody(after, c.id)
    entry.comment = { ...next, replies }
  }

  function remove(id: string) {
    shown.get(id)?.li.remove()
    for (const [key, entry] of shown) if (!entry.li.isConnected) shown.delete(key)
    noteLater()
  }

  /**
   * A comment new since the page was read: under its parent (which now has replies to fold), or
   * where the sort puts it. The reader's own, when pages before it are not loaded yet, goes after
   * them with a note, rather than among older comments out of order.
   */
  function insertNew(c: Comment, { sort, hasMore, own }: { sort: string; hasMore: boolean; own: boolean }): Shown {
    const parent = c.parentId ? shown.get(c.parentId) : undefined
    const entry = place(c, parent, !parent && own && hasMore && sort !== 'newest' ? later : undefined)
    if (parent) refresh({ ...parent.comment, replyCount: parent.comment.replyCount + 1 })
    else if (sort === 'newest') list.prepend(entry.li)
    noteLater()
    return entry
  }

  /** No more pages to load: the reader's own comments shown after them join the list. */
  function settleLater() {
    list.append(...later.children)
    noteLater()
  }

  function noteLater() {
    o.laterNote.hidden = later.children.length === 0
  }

  function clear() {
    sizes.disconnect()
    list.replaceChildren()
    later.replaceChildren()
    shown.clear()
    noteLater()
  }

  function highlight(id: string) {
    const entry = shown.get(id)
    if (!entry) return
    entry.li.classList.add('hl')
    entry.li.scrollIntoView({ block: 'center' })
    entry.li.querySelector('article')?.focus({ preventScroll: true })
    setTimeout(() => entry.li.classList.remove('hl'), 4000)
  }

  // Long comments (past about twelve lines) are held to that height by the stylesheet and get
  // "Show more", measured when each body first has a size: a widget opened hidden, or replies
  // folded away, are measured when they appear. A comment opened stays open when redrawn.
  const expanded = new Set<string>()
  const foldButton = (open: boolean) =>
    h('button', { type: 'button', class: 'l', 'data-act': 'fold', 'aria-expanded': String(open) }, t.t(open ? 'showLess' : 'showMore'))
  const sizes = new ResizeObserver((entries) => {
    // All measured first, then all changed: one layout, not one per comment.
    const measured = entries.map(({ target }) => [target as HTMLElement, target.clientHeight, target.scrollHeight] as const)
    for (const [body, shown, full] of measured) {
      if (shown === 0) continue
      sizes.unobserve(body)
      if (full > shown + 4) body.after(foldButton(false))
      else body.classList.remove('fold')
    }
  })
  function foldLongBody(article: Element, id: string) {
    const body = article.querySelector<HTMLElement>(':scope > .body.fold')
    if (!body) return
    if (!expanded.has(id)) return sizes.observe(body)
    body.classList.remove('fold')
    body.after(foldButton(true))
  }
  function toggleFold(id: string, button: HTMLElement) {
    const open = !expanded.delete(id)
    if (open) expanded.add(id)
    button.setAttribute('aria-expanded', String(open))
    button.textContent = t.t(open ? 'showLess' : 'showMore')
    button.previousElementSibling?.classList.toggle('fold', !open)
  }

  return { shown, place, refresh, remove, insertNew, settleLater, clear, highlight, toggleFold }
}

export type ThreadView = ReturnType<typeof createThreadView>
