import type { LiveRelay } from '../deps.ts'
import type { DurableObjectNamespaceLike } from './worker-env.ts'

/** The path on which a thread's live object hears of a committed change; only the worker reaches it. */
export const ANNOUNCE_PATH = '/__engawa/announce'

/**
 * Live updates through one Durable Object per thread: a reader's stream request is handed to the
 * thread's object, and each committed change is told to it after the answer (`waitUntil`).
 */
export function durableObjectRelay(namespace: DurableObjectNamespaceLike, waitUntil: (work: Promise<unknown>) => void, onError: (error: unknown) => void): LiveRelay {
  const objectOf = (siteId: string, key: string) => namespace.get(namespace.idFromName(`${siteId}\n${key}`))
  return {
    announce(siteId, key, announcement) {
      waitUntil(objectOf(siteId, key).fetch(`https://thread-live${ANNOUNCE_PATH}`, { method: 'POST', body: announcement }).then((res) => res.body?.cancel(), onError))
    },
    connect: (siteId, key, request) => objectOf(siteId, key).fetch(request),
  }
}
