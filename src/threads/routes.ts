import { createRoute, z } from '@hono/zod-openapi'
import { publicReads, type Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonResponse, SiteParam } from '../http/openapi.ts'
import { text } from '../http/text.ts'
import { countComments } from './counts.ts'
import { normalizeThreadUrl } from './thread-key.ts'
import { createRouter } from '../http/router.ts'

const MAX_PAGES = 100
const repeatable = z.union([text().max(2000), z.array(text().max(2000)).max(MAX_PAGES)]).optional()

const CountsJson = z
  .object({
    counts: z.array(
      z.object({ key: z.string().optional(), url: z.string().optional(), count: z.number().int() }),
    ),
  })
  .openapi('Counts')

const countsRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/counts',
  summary: 'Visible comment counts for many pages',
  description: `Repeat \`key\` and \`url\` (up to ${MAX_PAGES} in all); the answer lists them in the order asked.`,
  request: { params: SiteParam, query: z.object({ key: repeatable, url: repeatable }) },
  responses: { 200: jsonResponse(CountsJson, 'One count per page asked for; 0 for pages without comments.'), ...errorResponses(400, 404) },
})

export function threadRoutes(deps: Pick<Deps, 'db' | 'readDb'>) {
  const db = publicReads(deps)
  return createRouter().openapi(countsRoute, async (c) => {
    type Asked = { key?: string; url?: string; lookup: string | undefined }
    const asked = [...new URL(c.req.url).searchParams].flatMap(([name, value]): Asked[] =>
      name === 'key' ? [{ key: value, lookup: value.trim() }] : name === 'url' ? [{ url: value, lookup: normalizeThreadUrl(value) }] : [],
    )
    if (asked.length > MAX_PAGES) throw new AppError('invalid_request', `Ask for at most ${MAX_PAGES} pages at once.`)
    const counts = await countComments(db, c.var.site.id, asked.flatMap((a) => (a.lookup ? [a.lookup] : [])))
    // The same for everyone: article lists may be served from a cache for a few seconds.
    c.header('Cache-Control', 'public, max-age=10')
    return c.json(
      { counts: asked.map(({ lookup, ...a }) => ({ ...a, count: (lookup && counts.get(lookup)) || 0 })) },
      200,
    )
  })
}
