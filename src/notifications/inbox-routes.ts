import { createRoute, z } from '@hono/zod-openapi'
import { requireSignedIn } from '../access/require-session.ts'
import type { Deps } from '../deps.ts'
import { errorResponses, jsonBody, jsonResponse, SiteParam } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { countUnread, INBOX_DAYS, markInboxRead, readInbox } from './inbox.ts'

const InboxJson = z
  .object({
    unread: z.number().int().openapi({ description: 'Items not yet marked read.' }),
    items: z.array(
      z.object({
        kind: z.enum(['reply', 'mention']),
        commentId: z.uuid(),
        author: z.string(),
        html: z.string().openapi({ description: 'The comment, sanitised, as on its page.' }),
        link: z.string().openapi({ description: "The comment's permalink on its article." }),
        title: z.string().openapi({ description: "Its article's title." }),
        createdAt: z.iso.datetime(),
        read: z.boolean(),
      }),
    ),
  })
  .openapi('Inbox')

const inboxRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/inbox',
  summary: "The reader's inbox on a site",
  description: `Replies to the signed-in reader's comments and mentions of them on this site, newest first (the last ${INBOX_DAYS} days; at most 50).`,
  request: { params: SiteParam, query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(20) }) },
  responses: { 200: jsonResponse(InboxJson, 'Never cached.'), ...errorResponses(401) },
})

const readRoute = createRoute({
  method: 'post',
  path: '/sites/{site}/inbox/read',
  summary: 'Mark inbox items read',
  description: 'The items named by their comments, or all of them when `commentIds` is left out.',
  request: { params: SiteParam, body: jsonBody(z.strictObject({ commentIds: z.array(z.uuid()).max(100).optional() }).openapi('InboxRead')) },
  responses: { 200: jsonResponse(z.object({ unread: z.number().int() }), 'What is still unread.'), ...errorResponses(400, 401) },
})

export function inboxRoutes({ db, clock }: Pick<Deps, 'db' | 'clock'>) {
  const answer = async (siteId: string, userId: string, limit: number) => {
    const { items, unread } = await readInbox(db, siteId, userId, limit)
    return {
      unread,
      items: items.map((i) => ({
        kind: i.kind, commentId: i.comment_id, author: i.author_name, html: i.body_html, link: `${i.url}#engawa-comment-${i.comment_id}`,
        title: i.title, createdAt: i.created_at.toISOString(), read: i.read_at !== null,
      })),
    }
  }
  return createRouter()
    .openapi(inboxRoute, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      c.header('Cache-Control', 'private, no-store')
      return c.json(await answer(c.var.site.id, user.id, c.req.valid('query').limit), 200)
    })
    .openapi(readRoute, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      await markInboxRead(db, c.var.site.id, user.id, c.req.valid('json').commentIds, clock.now())
      return c.json({ unread: await countUnread(db, c.var.site.id, user.id) }, 200)
    })
}
