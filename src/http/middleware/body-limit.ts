import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { AppError } from '../errors.ts'

export const MAX_BODY_BYTES = 64 * 1024

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
 * Refuses a body that is not valid UTF-8 instead of letting the JSON parser quietly turn
 * the bad bytes into U+FFFD. Hono caches the bytes, so the validator reads them again for free.
 */
export function requireUtf8Body() {
  return createMiddleware(async (c, next) => {
    if (!BODYLESS_METHODS.has(c.req.method) && c.req.raw.body) {
      const bytes = await c.req.arrayBuffer()
      try {
        strictUtf8.decode(bytes)
      } catch {
        throw new AppError('invalid_request', 'The request body is not valid UTF-8 text.')
      }
    }
    await next()
  })
}
