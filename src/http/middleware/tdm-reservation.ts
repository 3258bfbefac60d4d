import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/**
 * Commenters' words are theirs: a machine-readable reservation of text-and-data-mining rights
 * (TDMRep, W3C community group report) on every response, unless the site turned it off.
 * Set before the handler runs: changing headers of a finished response makes Hono copy it.
 */
export function tdmReservation() {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.header('tdm-reservation', '1')
    c.header('X-Robots-Tag', 'noai, noimageai')
    await next()
  })
}

/** For a site whose owner turned the reservation off; call before the response is made. */
export function withdrawTdmReservation(c: Context) {
  c.header('tdm-reservation', undefined)
  c.header('X-Robots-Tag', undefined)
}
