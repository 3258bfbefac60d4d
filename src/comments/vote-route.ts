import { createRoute, z } from '@hono/zod-openapi'
import { actorOf, authorize } from '../access/can.ts'
import { requireSignedIn } from '../access/require-session.ts'
import type { Deps } from '../deps.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { CommentParams } from './schemas.ts'
import { castVote } from './vote.ts'
import { createRouter } from '../http/router.ts'

const voteRoute = createRoute({
  method: 'put',
  path: '/sites/{site}/comments/{id}/vote',
  summary: 'Vote on a comment',
  description: 'Signed-in readers: one vote per comment, `1` up, `-1` down, `0` to take it back.',
  request: {
    params: CommentParams,
    body: jsonBody(z.strictObject({ value: z.union([z.literal(1), z.literal(0), z.literal(-1)]) }).openapi('Vote')),
  },
  responses: {
    200: jsonResponse(
      z.object({ score: z.number().int(), upvotes: z.number().int(), downvotes: z.number().int(), value: z.number().int() }).openapi('VoteResult'),
      "The comment's new score and the reader's vote.",
    ),
    ...errorResponses(400, 401, 403, 404),
  },
})

export function voteRoutes(deps: Pick<Deps, 'db' | 'clock'>) {
  return createRouter().openapi(voteRoute, async (c) => {
    const { user } = requireSignedIn(c.var.signedIn)
    const site = c.var.site
    const { id } = c.req.valid('param')
    const { value } = c.req.valid('json')
    authorize(await actorOf(deps.db, c.var.signedIn), 'comment.vote', { siteId: site.id })
    const counts = await castVote(deps, site, id, user.id, value, deps.clock.now())
    return c.json({ ...counts, value }, 200)
  })
}
