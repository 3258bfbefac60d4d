import { Hono } from 'hono'
import type { Deps } from '../deps.ts'
import { DEMO_SITE_ID, demoPage } from './article.ts'
import { demoPublishedAt } from './seed.ts'

/** GET /demo: the demo article with the widget under it, once the demo site exists. */
export function demoRoutes({ db, demo }: Pick<Deps, 'db' | 'demo'>) {
  return new Hono().get('/demo', async (c) => {
    await demo?.ready()
    const site = await db.selectFrom('sites').select('created_at').where('id', '=', DEMO_SITE_ID).executeTakeFirst()
    if (!site)
      return c.text('No demo here: it is made in the first seconds of a first start on an empty database, and this one already had sites.\n', 404)
    return c.html(demoPage(demoPublishedAt(site.created_at)))
  })
}
