import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/**
 * Commenters' words are theirs: a machine-readable reservation of text-and-data-mining rights
 * (TDMRep, W3C community group report) on every response, unless the site turned it off.
 */
export const TDM_HEADERS = { 'tdm-reservation': '1', 'X-Robots-Tag': 'noai, noimageai' } as const

/** Set before the handler runs: changing headers of a finished response makes Hono copy it. */
export function tdmReservation() {
  return createMiddleware<AppEnv>(async (c, next) => {
    for (const [name, value] of Object.entries(TDM_HEADERS)) c.header(name, value)
    await next()
  })
}

/** For a site whose owner turned the reservation off; call before the response is made. */
export function withdrawTdmReservation(c: Context) {
  for (const name of Object.keys(TDM_HEADERS)) c.header(name, undefined)
}
