import { createRoute } from '@hono/zod-openapi'
import { publicReads, type Deps } from '../deps.ts'
import { errorResponses, jsonResponse, SiteParam } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { PAGE_CACHE_CONTROL } from '../threads/page-response.ts'
import { type CommunityCache } from './community-cache.ts'
import { strongEtag } from '../threads/page-cache.ts'
import { readCommunityPage } from './community-page.ts'
import { windowStart } from './read-community.ts'
import { CommunityPageJson, CommunityQuery } from './schemas.ts'

const communityRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/community',
  summary: "A page of a site's community view",
  description:
    'What is being discussed across the site: its newest published comments (`tab=latest`), the threads most ' +
    'commented in the last day, week or month (`tab=active`), or every thread with comments (`tab=threads`). ' +
    'Comments waiting for a moderator, hidden, removed or shadow-banned never appear. Pages follow `nextCursor`.',
  request: { params: SiteParam, query: CommunityQuery },
  responses: {
    200: jsonResponse(CommunityPageJson, 'The page; `ETag` and `Cache-Control` as on thread pages.'),
    304: { description: 'Not modified since the ETag in If-None-Match.' },
    ...errorResponses(400, 404),
  },
})

export function communityRoutes(deps: Pick<Deps, 'db' | 'readDb' | 'clock'>, cache: CommunityCache) {
  const { clock } = deps
  const db = publicReads(deps)
  return createRouter().openapi(communityRoute, async (c) => {
    const ask = c.req.valid('query')
    const site = c.var.site
    const now = clock.now()
    // An active page counts over a window that starts on a minute: one entry serves that minute.
    const window = ask.tab === 'active' && ask.cursor === undefined ? windowStart(ask.period, now).toISOString() : ''
    const variant = [ask.tab, ask.tab === 'active' ? ask.period : '', ask.cursor ?? '', ask.limit, window].join('\n')
    const page = await cache.load(site.id, variant, async () => {
      const body = new TextEncoder().encode(JSON.stringify(await readCommunityPage(db, site, ask, now)))
      // The ETag is made from the bytes themselves: a page says the same as before exactly when it is the same.
      return { body, etag: await strongEtag(body) }
    })
    c.header('Cache-Control', PAGE_CACHE_CONTROL)
    c.header('ETag', page.etag)
    if (c.req.header('if-none-match') === page.etag) return c.body(null, 304)
    c.header('Content-Type', 'application/json; charset=UTF-8')
    return c.body(page.body, 200)
  })
}
