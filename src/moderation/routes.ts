import { createRoute, z } from '@hono/zod-openapi'
import { threadKeyOf } from '../threads/thread-key.ts'
import { CommentJson } from '../comments/schemas.ts'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { commentToJson } from '../comments/to-json.ts'
import type { Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { keyText, text, trimmedText } from '../http/text.ts'
import { COMMENT_ACTIONS, lockThread, moderateComment, pinComment } from './moderate-comment.ts'
import { moderatedToJson, QueueJson, QueueQuery } from './moderated-json.ts'
import { moderatedSite } from '../access/site-access.ts'
import { readQueue } from './queries.ts'
import { readAuditLog } from '../audit/audit-log.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Moderation']
const Reason = trimmedText(0, 500).optional().openapi({ description: 'Why: kept in the audit log.' })

const commentRoute = createRoute({
  method: 'post',
  path: '/moderation/sites/{site}/comments/{id}',
  tags,
  summary: 'Act on a comment: approve, reject, hide, unhide, spam, delete, dismiss its reports, pin or unpin',
  description: "The site's moderators and owners, and instance admins. One transaction with its audit entry.",
  request: {
    params: SiteParam.extend({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }),
    body: jsonBody(
      z
        .strictObject({
          action: z.enum([...COMMENT_ACTIONS, 'pin', 'unpin']),
          reason: Reason,
          showReason: z.boolean().optional().openapi({ description: 'Hide: show the reason to readers.' }),
        })
        .openapi('CommentModeration'),
    ),
  },
  responses: {
    200: jsonResponse(z.object({ comment: CommentJson }).openapi('ModeratedComment'), 'The comment as readers now see it.'),
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
})

const lockRoute = createRoute({
  method: 'post',
  path: '/moderation/sites/{site}/threads/lock',
  tags,
  summary: 'Close a thread to new comments, or open it again',
  request: {
    params: SiteParam,
    body: jsonBody(
      z
        .strictObject({ key: keyText(500).optional(), url: text().max(2000).optional(), locked: z.boolean(), reason: Reason })
        .openapi('ThreadLock'),
    ),
  },
  responses: { 200: jsonResponse(z.object({ locked: z.boolean() }), 'Done.'), ...errorResponses(400, 401, 403, 404, 415, 422) },
})

const queueRoute = createRoute({
  method: 'get',
  path: '/moderation/sites/{site}/queue',
  tags,
  summary: 'Comments awaiting approval or reported by readers on one site',
  request: { params: SiteParam, query: QueueQuery },
  responses: { 200: jsonResponse(QueueJson, 'The queue.'), ...errorResponses(401, 403, 404) },
})

const auditRoute = createRoute({
  method: 'get',
  path: '/moderation/sites/{site}/audit',
  tags,
  summary: 'Who did what, on what, when and why; newest first',
  request: { params: SiteParam },
  responses: {
    200: jsonResponse(
      z
        .object({
          entries: z.array(
            z.object({
              action: z.string(),
              actor: z.string().nullable().openapi({ description: 'The acting account’s name; null for Engawa itself, the operator, or an account since removed.' }),
              byOperator: z.boolean().openapi({ description: 'Done by the operator from the command line.' }),
              targetKind: z.string(), targetId: z.string(),
              target: z
                .object({
                  name: z.string().optional(),
                  excerpt: z.string().optional(),
                  page: z.object({ title: z.string(), url: z.string() }).optional(),
                  mentions: z.array(z.string()).optional().openapi({ description: 'The readers the comment mentions: told when it was published, nobody while it was held or hidden.' }),
                  reactions: z.record(z.string(), z.number().int()).optional().openapi({ description: "The comment's reactions, by kind." }),
                })
                .openapi({ description: "What was acted on, in words: a comment's author, the start of its text and its page, whom it mentions and its reactions; an author's name. Empty when it is gone." }),
              reason: z.string().nullable(), at: z.string() }),
          ),
        })
        .openapi('AuditLog'),
      'The latest 200 entries.',
    ),
    ...errorResponses(401, 403, 404),
  },
})

const versionsRoute = createRoute({
  method: 'get',
  path: '/moderation/sites/{site}/comments/{id}/versions',
  tags,
  summary: "Every version of a comment's text, oldest first, ending with the current one",
  description: 'Readers see only that a comment was edited, and when (`editedAt`).',
  request: { params: SiteParam.extend({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: jsonResponse(
      z.object({ versions: z.array(z.object({ version: z.number().int(), markdown: z.string(), writtenAt: z.string() })) }).openapi('CommentVersions'),
      'The history.',
    ),
    ...errorResponses(401, 403, 404),
  },
})

export function moderationRoutes(deps: Deps) {
  const moderated = (signedIn: SignedIn | undefined, site: SiteRow) => moderatedSite(deps, signedIn, site)

  return createRouter()
    .openapi(commentRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { site, user } = await moderated(c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const { comment } =
        input.action === 'pin' || input.action === 'unpin'
          ? await pinComment(deps, site, user.id, { commentId: id, pinned: input.action === 'pin', reason: input.reason })
          : await moderateComment(deps, site, user.id, { ...input, commentId: id, action: input.action })
      return c.json({ comment: commentToJson(comment) }, 200)
    })
    .openapi(lockRoute, async (c) => {
      const { site, user } = await moderated(c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const key = threadKeyOf(site, input)
      const result = await lockThread(deps, site, user.id, { key, locked: input.locked, reason: input.reason })
      return c.json(result, 200)
    })
    .openapi(queueRoute, async (c) => {
      const { site } = await moderated(c.var.signedIn, c.var.site)
      const rows = await readQueue(deps.db, [site.id], c.req.valid('query').sort)
      return c.json({ items: rows.map(moderatedToJson) }, 200)
    })
    .openapi(versionsRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { site } = await moderated(c.var.signedIn, c.var.site)
      const current = await deps.db
        .selectFrom('comments')
        .select(['body_source', 'created_at', 'edited_at'])
        .where('site_id', '=', site.id)
        .where('id', '=', id)
        .executeTakeFirst()
      if (!current) throw new AppError('comment_not_found', 'That comment does not exist.')
      const earlier = await deps.db
        .selectFrom('comment_versions')
        .select(['version', 'body_source', 'written_at'])
        .where('site_id', '=', site.id)
        .where('comment_id', '=', id)
        .orderBy('version')
        .execute()
      const versions = [
        ...earlier.map((v) => ({ version: v.version, markdown: v.body_source, writtenAt: v.written_at.toISOString() })),
        { version: earlier.length + 1, markdown: current.body_source, writtenAt: (current.edited_at ?? current.created_at).toISOString() },
      ]
      return c.json({ versions }, 200)
    })
    .openapi(auditRoute, async (c) => {
      const { site } = await moderated(c.var.signedIn, c.var.site)
      const entries = (await readAuditLog(deps.db, site.id)).map((e) => ({ ...e, at: e.at.toISOString() }))
      return c.json({ entries }, 200)
    })
}
