import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../errors.ts'

export const MAX_BODY_BYTES = 64 * 1024
/**
 * A request body (64 KiB at most here) arrives within this, or the request is answered 408 and
 * its connection closed: a client trickling a body a few bytes a second would otherwise hold a
 * connection, and the memory behind it, for as long as it likes.
 */
export const BODY_TIMEOUT_MS = 10_000

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function limitBody() {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', 'The request body is larger than 64 KiB. Shorten the comment.')
    },
  })
  // Looking at the body makes the Node adapter build a full Request: a third of a read's cost.
  return createMiddleware((c, next) => (BODYLESS_METHODS.has(c.req.method) ? next() : limit(c, next)))
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Reads the body whole, within BODY_TIMEOUT_MS, and refuses one that is not valid UTF-8 instead
 * of letting the JSON parser quietly turn the bad bytes into U+FFFD. Hono caches the bytes, so
 * the validator reads them again for free.
 */
export function requireUtf8Body() {
  return createMiddleware(async (c, next) => {
    if (!BODYLESS_METHODS.has(c.req.method) && c.req.raw.body) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('request_timeout', `The request body did not arrive within ${BODY_TIMEOUT_MS / 1000} seconds.`)), BODY_TIMEOUT_MS)
      })
      const bytes = await Promise.race([c.req.arrayBuffer(), late]).finally(() => clearTimeout(timer))
      try {
        strictUtf8.decode(bytes)
      } catch {
        throw new AppError('invalid_request', 'The request body is not valid UTF-8 text.')
      }
    }
    await next()
  })
}
