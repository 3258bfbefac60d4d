import { createMiddleware } from 'hono/factory'

/**
 * Every answer says its Content-Type is to be believed: a browser never runs a JSON error or an
 * uploaded file as a script or a page because it looks like one.
 */
export const NO_SNIFF = { 'X-Content-Type-Options': 'nosniff' } as const

/**
 * What an answer that says nothing of caching gets: kept by nobody. Personal and authenticated
 * answers (the account, the queue, settings, tokens, the mail log) need exactly that, because a
 * shared cache keyed on the URL would hand one person's answer to the next; answers meant to be
 * cached (thread pages, counts, feeds, the browser's files) say so themselves.
 */
export const UNCACHED = 'private, no-store'

export function standardHeaders() {
  return createMiddleware(async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff')
    await next()
    // A handler that returns a Response of its own (a thread page, a stream) bypasses the line above.
    if (!c.res.headers.has('X-Content-Type-Options')) c.header('X-Content-Type-Options', 'nosniff')
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', UNCACHED)
  })
}
