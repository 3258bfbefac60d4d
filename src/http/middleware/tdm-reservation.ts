import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.ts'

/**
 * Commenters' words are theirs: a machine-readable reservation of text-and-data-mining rights
 * (TDMRep, W3C community group report) on every response, unless the site turned it off.
 */
export function tdmReservation() {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next()
    const site = c.get('site')
    if (site && !site.reserves_tdm) return
    c.header('tdm-reservation', '1')
    c.header('X-Robots-Tag', 'noai, noimageai')
  })
}
