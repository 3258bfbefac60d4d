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
 * otherwise (501: Workers without live objects) a poll for what was published after the
 * position of the page shown (`since`), replies included, which the browser revalidates with its
 * ETag, so a quiet thread costs a 304. (Polling hears of new comments only.)
 */
export function watchThread(liveUrl: string, since: number, api: Api, news: ThreadNews, pollMs: number): void {
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
    let position = since
    setInterval(async () => {
      try {
        const page = await api.read({ since: position, limit: 50 })
        for (const c of page.comments) arrived(c)
        position = page.thread?.lastSeq ?? position
      } catch {
        // Offline for now; the next round tries again.
      }
    }, pollMs)
  }
}
