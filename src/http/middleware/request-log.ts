import { createMiddleware } from 'hono/factory'
import type { Log } from '../../log.ts'
import type { AppEnv } from '../app-env.ts'

/**
 * One access-log line a request, at info, carrying the id sent back in X-Request-Id; at debug,
 * a line when it begins too (a request that never ends shows up).
 */
export function requestLog(log: Log) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now()
    log.debug('request started', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path })
    await next()
    const fields = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    }
    if (c.res.status >= 500) log.error('request', fields)
    else log.info('request', fields)
  })
}
