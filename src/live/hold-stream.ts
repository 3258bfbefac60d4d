import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { LiveReader } from '../deps.ts'
import type { Log } from '../log.ts'

const KEEPALIVE_MS = 25_000

/**
 * Holds a Server-Sent Events stream open for one reader until they go or the feed ends it:
 * `open` subscribes them (and returns how to unsubscribe), a comment line every 25 s keeps
 * proxies from closing a quiet stream, and `release` gives back their place in the quota.
 */
export function holdStream(c: Context, open: (reader: LiveReader) => Promise<() => void>, release: () => void, log: Log) {
  c.header('Cache-Control', 'no-store')
  c.header('X-Accel-Buffering', 'no')
  return streamSSE(c, async (stream) => {
    let wake: () => void = () => undefined
    let ended = false
    stream.onAbort(() => {
      ended = true
      wake()
    })
    const unsubscribe = await open({
      send: (event, resumeFrom) => void stream.writeSSE({ event: event.name, id: String(resumeFrom), data: event.data }).catch(() => undefined),
      end: () => {
        ended = true
        wake()
      },
    })
    try {
      await stream.writeSSE({ event: 'ready', data: '' })
      while (!ended && !stream.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, KEEPALIVE_MS)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        if (!ended) await stream.write(': keepalive\n\n')
      }
    } finally {
      unsubscribe()
      release()
    }
  }, async (error) => {
    release()
    // The database was away while the stream started: it ends, and the browser reconnects by itself.
    log.warn('live stream ended early', { error: error.message })
  })
}
