import { createMiddleware } from 'hono/factory'

/**
 * Every answer says its Content-Type is to be believed: a browser never runs a JSON error or an
 * uploaded file as a script or a page because it looks like one.
 */
export const NO_SNIFF = { 'X-Content-Type-Options': 'nosniff' } as const

export function noSniff() {
  return createMiddleware(async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff')
    await next()
    // A handler that returns a Response of its own (a thread page, a stream) bypasses the line above.
    if (!c.res.headers.has('X-Content-Type-Options')) c.header('X-Content-Type-Options', 'nosniff')
  })
}
