import type { Api, Comment } from './api.ts'

/**
 * Hears of new comments on the thread: Server-Sent Events where the server holds streams,
 * otherwise (Workers answer 501) a poll of the first page, which the browser revalidates with
 * its ETag, so an unchanged thread costs a 304.
 */
export function watchThread(liveUrl: string, api: Api, arrived: (comment: Comment) => void, pollMs: number): void {
  if (typeof EventSource === 'undefined') return poll()
  const source = new EventSource(liveUrl)
  source.addEventListener('comment', (event) => arrived(JSON.parse((event as MessageEvent<string>).data) as Comment))
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
