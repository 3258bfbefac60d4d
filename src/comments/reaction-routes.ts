import { createRoute, z } from '@hono/zod-openapi'
import { actorOf, authorize, can } from '../access/can.ts'
import { requireSignedIn } from '../access/require-session.ts'
import { guestFingerprint } from '../authors/guest-fingerprint.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { errorResponses, jsonResponse } from '../http/openapi.ts'
import { hitLimit } from '../http/rate-limit.ts'
import { createRouter } from '../http/router.ts'
import { react, readReactors } from './react.ts'
import { REACTIONS } from './reaction-kinds.ts'
import { CommentParams, ReactionCountsJson } from './schemas.ts'

/** Reactions are quick to give and take back; this stops a script, never a reader. */
const REACTIONS_BY_NETWORK = { name: 'react-ip', max: 300, windowMs: 60 * 60 * 1000 }

const ReactionParams = CommentParams.extend({
  kind: z.enum(REACTIONS).openapi({ param: { name: 'kind', in: 'path' }, description: `One of ${REACTIONS.join(', ')}.` }),
})

const ReactedJson = z
  .object({
    reactions: ReactionCountsJson,
    mine: z.array(z.enum(REACTIONS)).openapi({ description: "The reader's own reactions on this comment." }),
  })
  .openapi('Reacted')

const change = (method: 'put' | 'delete') =>
  createRoute({
    method,
    path: '/sites/{site}/comments/{id}/reactions/{kind}',
    summary: method === 'put' ? 'React to a comment' : 'Take back a reaction',
    description:
      'One of each kind per reader and comment; doing it twice changes nothing. Signed-in readers, and guests where the ' +
      'site lets everyone react (a guest is known by their network, as for reports).',
    request: { params: ReactionParams },
    responses: { 200: jsonResponse(ReactedJson, "The comment's counts and the reader's reactions now."), ...errorResponses(400, 401, 403, 404, 429) },
  })

const whoRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/comments/{id}/reactions',
  summary: 'Who reacted to a comment',
  description:
    'For signed-in readers: by kind, the names of the accounts that reacted (the first 20) and how many guests did. Reactions of ' +
    'readers shadow-banned on the site are left out, except for their own reader; moderators are told how many (`uncounted`).',
  request: { params: CommentParams },
  responses: {
    200: jsonResponse(
      z
        .object({
          reactions: z.array(
            z.object({
              kind: z.enum(REACTIONS),
              count: z.number().int(),
              names: z.array(z.string()),
              guests: z.number().int(),
              uncounted: z.number().int().optional().openapi({ description: 'For moderators: reactions of shadow-banned readers, not in `count`.' }),
              authors: z
                .array(z.object({ author: z.string(), name: z.string().nullable() }))
                .optional()
                .openapi({
                  description:
                    'For moderators: who reacted (the first 20), counted or not, by author key (`user:…`, `guest:…`) as the authors route takes it, and their name when an account. A reader who only reacts can be banned or shadow-banned so.',
                }),
            }),
          ),
        })
        .openapi('Reactors'),
      'Never cached.',
    ),
    ...errorResponses(401, 403, 404),
  },
})

export function reactionRoutes(deps: Deps) {
  const router = createRouter()
  for (const method of ['put', 'delete'] as const)
    router.openapi(change(method), async (c) => {
      const site = c.var.site
      const { id, kind } = c.req.valid('param')
      const network = addressBucket(clientIp(c, deps.config.trustedProxies))
      await hitLimit(deps.db, REACTIONS_BY_NETWORK, `${site.id} ${network}`, deps.clock.now())
      const user = c.var.signedIn?.user
      if (user) authorize(await actorOf(deps.db, c.var.signedIn), 'comment.react', { siteId: site.id })
      const reactor = user ? `user:${user.id}` : `guest:${await guestFingerprint(deps.db, site, network)}`
      return c.json(await react(deps, site, { commentId: id, reactor, kind, on: method === 'put' }), 200)
    })
  return router.openapi(whoRoute, async (c) => {
    const signedIn = requireSignedIn(c.var.signedIn)
    const site = c.var.site
    if (site.reactions === 'off') throw new AppError('reactions_off', 'This site has turned reactions off.')
    const { id } = c.req.valid('param')
    const comment = await deps.db.selectFrom('comments').select('status').where('site_id', '=', site.id).where('id', '=', id).executeTakeFirst()
    if (comment?.status !== 'published') throw new AppError('comment_not_found', 'That comment does not exist.')
    c.header('Cache-Control', 'private, no-store')
    const viewer = { reactor: `user:${signedIn.user.id}`, moderates: can(await actorOf(deps.db, signedIn), 'site.moderate', { siteId: site.id }) }
    return c.json({ reactions: await readReactors(deps.db, site.id, id, viewer) }, 200)
  })
}
