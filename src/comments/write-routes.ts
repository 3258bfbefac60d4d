import { createRoute, z } from '@hono/zod-openapi'
import { actorOf, authorize } from '../access/can.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { posterOf } from '../authors/poster.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonBody, jsonResponse, SiteParam } from '../http/openapi.ts'
import { resolvePage } from '../threads/thread-key.ts'
import { authorTimeLeft, deleteComment, editComment } from './edit-comment.ts'
import { parseIdempotencyKey } from './idempotency.ts'
import { postComment } from './post-comment.ts'
import { CommentJson, CommentParams, EditCommentBody, EditTokenHeader, IdempotencyKeyHeader, NewCommentBody, PostedCommentJson } from './schemas.ts'
import { commentToJson } from './to-json.ts'
import { createRouter } from '../http/router.ts'

const postRoute = createRoute({
  method: 'post',
  path: '/sites/{site}/comments',
  summary: 'Post a comment or a reply',
  description:
    'The first comment on a page creates its thread. A guest gives `author` and receives an `editToken`; ' +
    'on a pre-moderated site the comment is stored as `pending`, visible only to its author. ' +
    'Send an `Idempotency-Key` (a new random value per comment, the same on every retry of it): a post sent again ' +
    'with the same key within a day answers with the first comment (and `Idempotent-Replayed: true`) instead of ' +
    'posting it twice, so a client that lost an answer to a network or database fault can always retry safely.',
  request: { params: SiteParam, headers: IdempotencyKeyHeader, body: jsonBody(NewCommentBody) },
  responses: {
    201: jsonResponse(PostedCommentJson, 'The comment as stored.'),
    ...errorResponses(400, 401, 403, 404, 409, 413, 422, 503),
  },
})

const editRoute = createRoute({
  method: 'patch',
  path: '/sites/{site}/comments/{id}',
  summary: 'Edit a comment',
  description:
    "Its author, within the site's edit window: a signed-in reader by their bearer token, a guest with `X-Edit-Token`.",
  request: { params: CommentParams, headers: EditTokenHeader, body: jsonBody(EditCommentBody) },
  responses: {
    200: jsonResponse(
      z.object({ comment: CommentJson, threadVersion: z.number().int().openapi({ description: "The thread's version with the edit in it: pass it as `version` when reading the thread again." }) }).openapi('EditedComment'),
      'The edited comment.',
    ),
    ...errorResponses(400, 403, 404, 413, 422),
  },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/sites/{site}/comments/{id}',
  summary: 'Delete a comment',
  description:
    'Its text and author are removed; with replies it stays in the thread as a tombstone. Its author may delete it ' +
    "(a guest within the edit window), and so may the site's moderators.",
  request: { params: CommentParams, headers: EditTokenHeader },
  responses: {
    200: jsonResponse(
      z.object({ threadVersion: z.number().int().openapi({ description: "The thread's version without the comment: pass it as `version` when reading the thread again." }) }).openapi('DeletedComment'),
      'Deleted.',
    ),
    ...errorResponses(400, 403, 404),
  },
})

export function writeRoutes(deps: Deps) {
  return createRouter()
    .openapi(postRoute, async (c) => {
      const input = c.req.valid('json')
      const site = c.var.site
      const signedIn = c.var.signedIn
      if (signedIn && input.author)
        throw new AppError('invalid_request', 'Signed in, you comment under your account’s name: leave out "author".')
      if (!signedIn && !input.author) throw new AppError('unauthorized', 'Give your name to comment as a guest, or sign in.')
      if (input.notify && !signedIn && !input.author?.email) throw new AppError('invalid_request', 'Give your email address to be notified of replies.')
      const actor = await actorOf(deps.db, signedIn)
      if (signedIn) authorize(actor, 'comment.post', { siteId: site.id })
      const ip = clientIp(c, deps.config.trustedProxies)
      const poster = await posterOf(deps.db, site, addressBucket(ip), signedIn ? { actor, userName: signedIn.user.display_name } : { guest: input.author ?? { name: '' } })
      const page = { ...resolvePage(site.allowed_origins, input.thread), title: input.thread.title }
      const { comment, threadVersion, editToken, subscribed, replayed } = await postComment(deps, {
        site, page, parentId: input.parentId, body: input.body, poster, honeypot: input.website,
        client: { ip, userAgent: c.req.header('user-agent') ?? '' },
        notify: input.notify && { kind: input.notify, locale: input.locale ?? 'en', key: input.notifyKey },
        idempotencyKey: parseIdempotencyKey(c.req.valid('header')['idempotency-key']),
      })
      if (replayed) c.header('Idempotent-Replayed', 'true')
      const timeLeft = authorTimeLeft(site, comment, deps.clock.now())
      return c.json({ comment: commentToJson(comment, null, 'author'), threadVersion, timeLeft, ...(editToken ? { editToken } : {}), ...(subscribed ? { notify: subscribed } : {}) }, 201)
    })
    .openapi(editRoute, async (c) => {
      const { id } = c.req.valid('param')
      const site = c.var.site
      const proof = { actor: await actorOf(deps.db, c.var.signedIn), editToken: c.req.valid('header')['x-edit-token'] }
      const { comment, threadVersion } = await editComment(deps, site, id, c.req.valid('json').body, proof)
      return c.json({ comment: commentToJson(comment, null, 'author'), threadVersion }, 200)
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param')
      const site = c.var.site
      const proof = { actor: await actorOf(deps.db, c.var.signedIn), editToken: c.req.valid('header')['x-edit-token'] }
      return c.json(await deleteComment(deps, site, id, proof), 200)
    })
}
