import type { LiveRelay } from '../deps.ts'
import { parseAnnouncement } from '../threads/thread-changes.ts'
import type { DurableObjectNamespaceLike } from './worker-env.ts'

/** The path on which a thread's live object hears of a committed change; only the worker reaches it. */
export const ANNOUNCE_PATH = '/__engawa/announce'

/**
 * Live updates through one Durable Object per thread: a reader's stream request is handed to the
 * thread's object, and each committed change is told to it after the answer (`waitUntil`).
 */
export function durableObjectRelay(namespace: DurableObjectNamespaceLike, waitUntil: (work: Promise<unknown>) => void, onError: (error: unknown) => void): LiveRelay {
  // A reader's own object is named where no thread's can be (a thread's name starts with its
  // site's id; a thread key is whatever the site sends, so it could read "inbox:…").
  const objectOf = (siteId: string, key: string, of: 'thread' | 'reader') =>
    namespace.get(namespace.idFromName(of === 'reader' ? `\nreader\n${siteId}\n${key}` : `${siteId}\n${key}`))
  return {
    announce(siteId, key, announcement) {
      const of = parseAnnouncement(announcement)?.kind === 'inbox' ? 'reader' : 'thread'
      waitUntil(objectOf(siteId, key, of).fetch(`https://thread-live${ANNOUNCE_PATH}`, { method: 'POST', body: announcement }).then((res) => res.body?.cancel(), onError))
    },
    connect: (siteId, key, request, of = 'thread') => objectOf(siteId, key, of).fetch(request),
  }
}
