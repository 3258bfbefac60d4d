import { createMiddleware } from 'hono/factory'
import type { Log } from '../../log.ts'
import type { AppEnv } from '../app-env.ts'
import { unavailable } from '../errors.ts'

/**
 * Answers 503 when the handler has not answered within `ms` (REQUEST_DEADLINE_MS). A database
 * that stops answering without closing its connections (a network cut) would otherwise hold the
 * request until TCP gives up, many minutes later; connection waits end sooner (db/pg.ts). The
 * handler is not stopped: if it was writing, the write may still land, which is why posting
 * takes an Idempotency-Key.
 */
export function deadline(log: Log, ms: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)))
    try {
      if ((await Promise.race([next(), late])) !== 'late') return
    } finally {
      clearTimeout(timer)
    }
    log.warn('request deadline passed', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, ms })
    throw unavailable()
  })
}
