import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError, rejectInvalid } from '../http/errors.ts'
import { errorResponses, jsonResponse } from '../http/openapi.ts'
import { keyText, text } from '../http/text.ts'
import { threadKeyOf } from './read-route.ts'
import { readMine } from './read-mine.ts'
import { CommentJson, SiteParam } from './schemas.ts'
import { nestComments } from './to-json.ts'

const MAX_TOKENS = 100

const mineRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/thread/mine',
  summary: "The reader's own comments that the public page leaves out",
  description:
    'Pending and hidden comments of this reader on the page, to lay over the public (cacheable) page. ' +
    `A guest sends the edit tokens their browser holds in \`X-Edit-Token\`, comma-separated (at most ${MAX_TOKENS}).`,
  request: {
    params: SiteParam,
    query: z.object({ key: keyText(500).optional(), url: text().max(2000).optional() }),
    headers: z.object({ 'x-edit-token': z.string().max(MAX_TOKENS * 50).optional() }),
  },
  responses: {
    200: jsonResponse(z.object({ comments: z.array(CommentJson) }).openapi('MyComments'), 'Never cached.'),
    ...errorResponses(400, 404, 422),
  },
})

export function mineRoutes({ db }: Pick<Deps, 'db'>) {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(mineRoute, async (c) => {
    const site = c.var.site
    const key = threadKeyOf(site, c.req.valid('query'))
    const tokens = (c.req.valid('header')['x-edit-token'] ?? '').split(',').map((t) => t.trim()).filter(Boolean)
    if (tokens.length > MAX_TOKENS) throw new AppError('invalid_request', `Send at most ${MAX_TOKENS} edit tokens.`)
    const rows = await readMine(db, site.id, key, tokens)
    c.header('Cache-Control', 'private, no-store')
    return c.json({ comments: nestComments(rows, new Map()) }, 200)
  })
}
