import { createRoute, type z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { errorResponses, jsonResponse, SiteParam } from '../http/openapi.ts'
import { threadKeyOf } from '../threads/thread-key.ts'
import { decodeCursor, invalidCursor } from './cursor.ts'
import { etagOf, type CachedPage, type PageCache } from '../threads/page-cache.ts'
import { pageHeaders, pageResponse } from '../threads/page-response.ts'
import { locateComment, positionBefore, readBranchPage, readThreadPage, type ThreadPage } from './read-page.ts'
import { ThreadPageJson, ThreadQuery } from './schemas.ts'
import { nestComments, threadToJson } from './to-json.ts'
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

export function readRoute({ db }: Pick<Deps, 'db'>, pages: PageCache) {
  return createRouter().openapi(readThread, async (c) => {
    const query = c.req.valid('query')
    const site = c.var.site
    const key = threadKeyOf(site, query)
    const variant = [query.sort, query.cursor ?? '', query.limit, query.replies, query.around ?? ''].join('\n')
    const url = c.req.url
    const rawQuery = url.slice(url.indexOf('?') + 1)
    const cached = await pages.load(site.id, key, variant, rawQuery, async (): Promise<CachedPage> => {
      const page = await loadPage(db, site.id, key, query)
      const json = JSON.stringify({
        thread: page.thread && threadToJson(page.thread),
        comments: nestComments(page.comments, page.branchCursors),
        nextCursor: page.nextCursor,
      })
      const body = new TextEncoder().encode(json)
      return { body, etag: await etagOf(body) }
    })
    const headers = pageHeaders(site, c.req.header('origin'), c.var.requestId, cached)
    delete headers.Vary // the CORS middleware has said it already on this path
    return pageResponse(headers, cached, c.req.header('if-none-match'))
  })
}
