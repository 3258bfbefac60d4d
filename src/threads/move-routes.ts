import { createRoute, z } from '@hono/zod-openapi'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import type { Deps } from '../deps.ts'
import { managedSite } from '../access/site-access.ts'
import type { SiteRow } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'
import { text } from '../http/text.ts'
import { recordAction } from '../audit/audit-log.ts'
import { applyMove, mergeThreads, planMove, threadKeyByName } from './move.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Administration']

const moveRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/threads/move',
  tags,
  summary: "Move a page's thread, or every thread under a URL prefix, to a new address",
  description: 'With `dryRun`, only lists what would move. A move onto an existing thread is refused: merge those instead.',
  request: {
    params: SiteParam,
    body: jsonBody(
      z
        .strictObject({ from: text().min(1).max(2000), to: text().min(1).max(2000), prefix: z.boolean().default(false), dryRun: z.boolean().default(false) })
        .openapi('ThreadMoveRequest'),
    ),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          applied: z.boolean(),
          moves: z.array(z.object({ key: z.string(), url: z.string(), newKey: z.string(), newUrl: z.string(), conflict: z.boolean() })),
        })
        .openapi('ThreadMoves'),
      'What moved (or would).',
    ),
    ...errorResponses(400, 401, 403, 404, 409, 415, 422),
  },
})

const mergeRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/threads/merge',
  tags,
  summary: 'Merge one thread into another: two threads that turned out to be one page',
  request: {
    params: SiteParam,
    body: jsonBody(
      z
        .strictObject({ from: text().min(1).max(2000).openapi({ description: 'A page URL or a thread key.' }), into: text().min(1).max(2000) })
        .openapi('ThreadMergeRequest'),
    ),
  },
  responses: { 200: jsonResponse(z.object({ moved: z.number().int() }).openapi('ThreadMerge'), 'Merged.'), ...errorResponses(400, 401, 403, 404, 415, 422) },
})

export function threadMoveRoutes(deps: Deps) {
  const manage = (signedIn: SignedIn | undefined, site: SiteRow) => managedSite(deps, signedIn, site)

  return createRouter()
    .openapi(moveRoute, async (c) => {
      const { site, user } = await manage(c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const moves = await planMove(deps.db, site, input)
      if (input.dryRun || moves.length === 0) return c.json({ applied: false, moves }, 200)
      const now = deps.clock.now()
      await applyMove(deps, site, moves, now, (trx) =>
        recordAction(trx, { siteId: site.id, actorUserId: user.id, action: 'move', targetKind: 'thread', targetId: input.from, reason: `to ${input.to}: ${moves.length} thread(s)` }, now),
      )
      return c.json({ applied: true, moves }, 200)
    })
    .openapi(mergeRoute, async (c) => {
      const { site, user } = await manage(c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const [from, into] = [threadKeyByName(site, input.from), threadKeyByName(site, input.into)]
      const now = deps.clock.now()
      const result = await mergeThreads(deps, site, from, into, now, (trx) =>
        recordAction(trx, { siteId: site.id, actorUserId: user.id, action: 'merge', targetKind: 'thread', targetId: into, reason: `merged ${from}` }, now),
      )
      return c.json(result, 200)
    })
}
