import type { Api, Comment, ThreadPage } from './api.ts'

export interface ThreadNews {
  /** A comment published since the page was read. */
  arrived(comment: Comment): void
  /** A comment changed (approved, hidden, restored, edited, deleted): as readers see it now, and whether they see it. */
  updated(change: { comment: Comment; visible: boolean }): void
  /** The thread itself changed: locked or opened, a comment pinned. */
  thread(thread: NonNullable<ThreadPage['thread']>): void
  /** Comments were added or renumbered wholesale (an import, a merge): the page is best read again. */
  renewed(): void
}

/**
 * Hears what happens on the thread: Server-Sent Events where the server holds streams,
 * otherwise (Workers answer 501) a poll of the first page, which the browser revalidates with
 * its ETag, so an unchanged thread costs a 304. (Polling hears of new comments only.)
 */
export function watchThread(liveUrl: string, api: Api, news: ThreadNews, pollMs: number): void {
  const { arrived } = news
  if (typeof EventSource === 'undefined') return poll()
  const source = new EventSource(liveUrl)
  const on = <T>(name: string, handle: (data: T) => void) =>
    source.addEventListener(name, (event) => handle(JSON.parse((event as MessageEvent<string>).data) as T))
  on('comment', arrived)
  on('update', news.updated)
  on('thread', news.thread)
  on('renewed', news.renewed)
  source.addEventListener('error', () => {
    // A refused stream (501) closes for good; a dropped one reconnects by itself.
    if (source.readyState === EventSource.CLOSED) poll()
  })

  function poll() {
    // The first round only learns what is there already; later rounds report what is new.
    let known: Set<string> | undefined
    setInterval(async () => {
      try {
        const page = await api.read({ sort: 'newest', replies: 0 })
        if (known) for (const c of page.comments) if (!known.has(c.id)) arrived(c)
        known = new Set([...(known ?? []), ...page.comments.map((c) => c.id)])
      } catch {
        // Offline for now; the next round tries again.
      }
    }, pollMs)
  }
}
