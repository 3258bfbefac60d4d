import { createRoute, z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { publicReads, type Deps } from '../deps.ts'
import { SiteParam, errorResponses } from '../http/openapi.ts'
import { threadKeyOf } from '../threads/thread-key.ts'
import { keyText, text } from '../http/text.ts'
import { renderAtom, type FeedEntry } from './atom.ts'
import { createRouter } from '../http/router.ts'

const ENTRIES = 50

const feedRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/feed.atom',
  summary: "Atom feed of a page's or the whole site's latest comments",
  description: `The ${ENTRIES} newest published comments: of one page with \`url\` or \`key\`, of the whole site without.`,
  request: { params: SiteParam, query: z.object({ key: keyText(500).optional(), url: text().max(2000).optional() }) },
  responses: {
    200: { description: 'An Atom 1.0 feed (RFC 4287).', content: { 'application/atom+xml': { schema: z.string() } } },
    ...errorResponses(400, 404, 422),
  },
})

export function feedRoutes(deps: Pick<Deps, 'db' | 'readDb' | 'clock' | 'config'>) {
  const { clock, config } = deps
  const db = publicReads(deps)
  return createRouter().openapi(feedRoute, async (c) => {
    const site = c.var.site
    const query = c.req.valid('query')
    const key = query.key || query.url ? threadKeyOf(site, query) : undefined
    // One connection for both statements: on read replicas, one server (as a thread page).
    const { rows, page } = await db.connection().execute(async (one) => ({
      rows: await readEntries(one, site.id, key),
      page: key === undefined ? undefined : await one.selectFrom('threads').select(['url', 'title']).where('site_id', '=', site.id).where('key', '=', key).executeTakeFirst(),
    }))
    const entries: FeedEntry[] = rows.map((r) => ({
      id: r.id,
      authorName: r.author_name,
      html: r.body_html,
      publishedAt: r.created_at,
      updatedAt: r.edited_at ?? r.created_at,
      pageUrl: r.url,
      pageTitle: r.title,
    }))
    const self = new URL(`/api/v1/sites/${site.id}/feed.atom`, config.publicUrl)
    if (query.key) self.searchParams.set('key', query.key)
    else if (query.url) self.searchParams.set('url', page?.url ?? query.url)
    const title = page ? `Comments on ${page.title || page.url}` : `Comments on ${site.name}`
    const alternate = page?.url ?? site.allowed_origins[0] ?? config.publicUrl
    c.header('Content-Type', 'application/atom+xml; charset=utf-8')
    c.header('Cache-Control', 'public, max-age=60')
    return c.body(renderAtom({ selfUrl: self.href, alternateUrl: alternate, title, entries }, clock.now()), 200)
  })
}

/** The site's or one page's newest published comments, with their pages. */
function readEntries(db: Kysely<Database>, siteId: string, key: string | undefined) {
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['c.id', 'c.author_name', 'c.body_html', 'c.created_at', 'c.edited_at', 't.url', 't.title'])
    .where('c.site_id', '=', siteId)
    .where('c.status', '=', 'published')
    .$if(key !== undefined, (q) => q.where('t.key', '=', key!))
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id')
    .limit(ENTRIES)
    .execute()
}
