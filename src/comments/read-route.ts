import { createRoute, type z } from '@hono/zod-openapi'
import { publicReads, type Deps } from '../deps.ts'
import { errorResponses, jsonResponse, SiteParam } from '../http/openapi.ts'
import { threadKeyOf } from '../threads/thread-key.ts'
import { decodeCursor, invalidCursor } from './cursor.ts'
import { pageEtag, type CachedPage, type PageCache } from '../threads/page-cache.ts'
import { PAGE_CACHE_CONTROL } from '../threads/page-response.ts'
import { locateComment, positionBefore, readBranchPage, readSince, readThreadPage, type ThreadPage } from './read-page.ts'
import { ThreadPageJson, ThreadQuery } from './schemas.ts'
import { commentToJson, nestComments, threadToJson, withoutProfiles } from './to-json.ts'

const linkProfiles = (allowed: boolean, comments: ReturnType<typeof nestComments>) => (allowed ? comments : withoutProfiles(comments))
import { createRouter } from '../http/router.ts'

const readThread = createRoute({
  method: 'get',
  path: '/sites/{site}/thread',
  summary: 'A page of a thread',
  description:
    'Top-level comments in the chosen order after `cursor`, each with the first `replies` replies of its branch ' +
    'nested depth-first; a cut branch carries `repliesCursor`, which continues it when passed as `cursor`. ' +
    'An unknown page answers `thread: null`. With `around`, the page starts at the top-level comment that holds ' +
    'that comment and includes its branch up to it.',
  request: { params: SiteParam, query: ThreadQuery },
  responses: {
    200: jsonResponse(ThreadPageJson, 'The page; `ETag` and `Cache-Control` let browsers and CDNs revalidate cheaply.'),
    304: { description: 'Not modified since the ETag in If-None-Match.' },
    ...errorResponses(400, 404, 422),
  },
})

type Query = z.infer<typeof ThreadQuery>


async function loadPage(db: Deps['db'], siteId: string, key: string, query: Query): Promise<ThreadPage> {
  if (query.since !== undefined) return readSince(db, { siteId, key, since: query.since, limit: query.limit })
  const page = { siteId, key, sort: query.sort, limit: query.limit, repliesPerBranch: query.replies }
  if (query.around) {
    const around = await locateComment(db, siteId, key, query.around)
    return readThreadPage(db, { ...page, around, after: positionBefore(query.sort, around) })
  }
  const position = query.cursor ? decodeCursor(query.cursor) : undefined
  if (position?.t === 'branch') return readBranchPage(db, { siteId, key, limit: query.limit, after: position })
  if (position && position.sort !== query.sort) throw invalidCursor()
  return readThreadPage(db, { ...page, after: position })
}

function threadStamp(db: Deps['db'], siteId: string, key: string) {
  return db.selectFrom('threads').select(['id', 'version']).where('site_id', '=', siteId).where('key', '=', key).executeTakeFirst()
}

export function readRoute(deps: Pick<Deps, 'db' | 'readDb'>, pages: PageCache) {
  const reads = publicReads(deps)
  return createRouter().openapi(readThread, async (c) => {
    const query = c.req.valid('query')
    const site = c.var.site
    const key = threadKeyOf(site, query)
    // Whether names link to profiles is the site's choice too: a page's ETag changes with it.
    const variant = [query.sort, query.cursor ?? '', query.limit, query.replies, query.around ?? '', query.since ?? '', site.public_profiles].join('\n')
    const url = c.req.url
    const rawQuery = url.slice(url.indexOf('?') + 1)
    const ifNoneMatch = c.req.header('if-none-match')
    // The page's own headers; the rest (CORS, nosniff, the TDM reservation) come from the site's middleware.
    c.header('Cache-Control', PAGE_CACHE_CONTROL)
    // A page at least at the version the reader's own write made: neither a replica nor this
    // instance's memory may answer from before it (the primary does when they are behind).
    const atLeast = query.version
    if (ifNoneMatch !== undefined && atLeast === undefined && !pages.fresh(site.id, key, variant)) {
      const etag = await pageEtag(await pages.stamp(site.id, key, () => threadStamp(reads, site.id, key)), variant)
      c.header('ETag', etag)
      if (etag === ifNoneMatch) return c.body(null, 304)
    }
    const render = async (): Promise<CachedPage> => {
      // One connection for the page's statements: with replicas, one server that only moves on
      // between them (a thread's lastSeq from one replica and its comments from a later one would lose some).
      let page = await reads.connection().execute((one) => loadPage(one, site.id, key, query))
      if (atLeast !== undefined && (page.thread?.version ?? 0) < atLeast && reads !== deps.db) page = await loadPage(deps.db, site.id, key, query)
      const json = JSON.stringify({
        thread: page.thread && threadToJson(page.thread),
        // News since a position comes flat: each is placed by its parentId.
        comments: linkProfiles(site.public_profiles, query.since === undefined ? nestComments(page.comments, page.branchCursors) : page.comments.map((row) => commentToJson(row, null))),
        nextCursor: page.nextCursor,
      })
      const body = new TextEncoder().encode(json)
      return { body, etag: await pageEtag(page.thread ?? undefined, variant), version: page.thread?.version ?? 0 }
    }
    const cached = atLeast === undefined ? await pages.load(site.id, key, variant, rawQuery, render) : await pages.loadAtLeast(site.id, key, variant, atLeast, render)
    c.header('ETag', cached.etag)
    if (ifNoneMatch === cached.etag) return c.body(null, 304)
    c.header('Content-Type', 'application/json; charset=UTF-8')
    return c.body(cached.body, 200)
  })
}
