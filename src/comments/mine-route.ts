import { createRoute, z } from '@hono/zod-openapi'
import { actorOf, can } from '../access/can.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonResponse, SiteParam } from '../http/openapi.ts'
import { keyText, text } from '../http/text.ts'
import { threadKeyOf } from '../threads/thread-key.ts'
import { readMine, readOwnComments } from './read-mine.ts'
import { authorTimeLeft } from './edit-comment.ts'
import { readVotes } from './vote.ts'
import { readReactions } from './react.ts'
import { REACTIONS } from './reaction-kinds.ts'
import { guestFingerprint } from '../authors/guest-fingerprint.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { AuthorTimeLeft, CommentJson, ReactionCountsJson } from './schemas.ts'
import { nestComments } from './to-json.ts'
import { createRouter } from '../http/router.ts'

const MAX_TOKENS = 100

const mineRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/thread/mine',
  summary: "The reader's own comments that the public page leaves out",
  description:
    'Pending and hidden comments of this reader on the page (for the site’s moderators: everyone’s), and a signed-in ' +
    'reader’s votes, to lay over the public ' +
    '(cacheable) page. A signed-in reader sends their bearer token; a guest the edit tokens their browser holds in ' +
    `\`X-Edit-Token\`, comma-separated (at most ${MAX_TOKENS}).`,
  request: {
    params: SiteParam,
    query: z.object({ key: keyText(500).optional(), url: text().max(2000).optional() }),
    headers: z.object({ 'x-edit-token': z.string().max(MAX_TOKENS * 50).optional() }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          comments: z.array(CommentJson),
          votes: z.record(z.string(), z.number().int()).openapi({ description: 'Comment id to 1 or -1.' }),
          reactions: z.record(z.string(), z.array(z.enum(REACTIONS))).openapi({ description: "Comment id to the reader's own reactions on it (a guest's, where the site lets guests react)." }),
          counts: z
            .record(z.uuid(), ReactionCountsJson)
            .optional()
            .openapi({ description: "Where the reaction counts this reader is to see differ from the page's: comment id to those counts." }),
          own: z
            .record(z.uuid(), z.string())
            .openapi({ description: "The reader's own comments on the page (by session or edit token): id to Markdown, to edit from." }),
          timeLeft: z.record(z.uuid(), AuthorTimeLeft).openapi({ description: 'For each of those: what its author may still do, as of this answer.' }),
        })
        .openapi('MyComments'),
      'Never cached.',
    ),
    ...errorResponses(400, 401, 404, 422),
  },
})

export function mineRoutes({ db, clock, config }: Pick<Deps, 'db' | 'clock' | 'config'>) {
  return createRouter().openapi(mineRoute, async (c) => {
    const site = c.var.site
    const key = threadKeyOf(site, c.req.valid('query'))
    const tokens = (c.req.valid('header')['x-edit-token'] ?? '').split(',').map((t) => t.trim()).filter(Boolean)
    if (tokens.length > MAX_TOKENS) throw new AppError('invalid_request', `Send at most ${MAX_TOKENS} edit tokens.`)
    const userId = c.var.signedIn?.user.id
    const moderates = c.var.signedIn !== undefined && can(await actorOf(db, c.var.signedIn), 'site.moderate', { siteId: site.id })
    const reactor = userId
      ? `user:${userId}`
      : site.reactions === 'everyone' ? `guest:${await guestFingerprint(db, site, addressBucket(clientIp(c, config.trustedProxies)))}` : undefined
    const [rows, votes, own, reactions] = await Promise.all([
      readMine(db, site.id, key, tokens, userId, moderates),
      userId ? readVotes(db, site.id, key, userId) : {},
      readOwnComments(db, site.id, key, tokens, userId),
      reactor && site.reactions !== 'off' ? readReactions(db, site.id, key, reactor) : { mine: {}, counts: {} },
    ])
    const now = clock.now()
    c.header('Cache-Control', 'private, no-store')
    return c.json({
      comments: nestComments(rows, new Map(), moderates ? 'moderator' : 'author'),
      votes,
      reactions: reactions.mine,
      ...(Object.keys(reactions.counts).length ? { counts: reactions.counts } : {}),
      own: Object.fromEntries(own.map((r) => [r.id, r.body_source])),
      timeLeft: Object.fromEntries(own.map((r) => [r.id, authorTimeLeft(site, r, now)])),
    }, 200)
  })
}
