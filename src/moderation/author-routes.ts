import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { createRoute, z } from '@hono/zod-openapi'
import { actorOf } from '../access/can.ts'
import { REACTOR_ACCOUNT } from '../comments/react.ts'
import { requireSignedIn } from '../access/require-session.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { text, trimmedText } from '../http/text.ts'
import { actOnAuthor, authorOfComment, authorStanding, AUTHOR_ACTIONS } from './authors.ts'
import { authorFilter } from '../authors/author-key.ts'
import { AuthorKey, ModeratedComment, moderatedToJson, QueueJson, QueueQuery } from './moderated-json.ts'
import { moderatedSite, sitesModeratedBy } from '../access/site-access.ts'
import { readQueue, searchComments } from './queries.ts'
import { listBans } from './records.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Moderation']

const Standing = z
  .object({
    author: AuthorKey,
    trusted: z.boolean(),
    shadowBanned: z.boolean(),
    ban: z.object({ id: z.string(), reason: z.string().nullable(), since: z.string(), until: z.string().nullable() }).nullable(),
  })
  .openapi('AuthorStanding')

const actRoute = createRoute({
  method: 'post',
  path: '/moderation/sites/{site}/authors',
  tags,
  summary: 'Ban (for some days or for good), shadow-ban or trust an author, or undo it',
  description:
    'Name the author by one of their comments (`commentId`) or by their key. Guests are known by a salted hash of their ' +
    'network (an IPv6 address by its /64); the address itself is never stored. A shadow ban also takes their published ' +
    'comments out of sight for everyone but them.',
  request: {
    params: SiteParam,
    body: jsonBody(
      z
        .strictObject({
          commentId: z.uuid().optional(),
          author: AuthorKey.optional(),
          action: z.enum(AUTHOR_ACTIONS),
          days: z.number().int().min(1).max(3650).optional().openapi({ description: 'Ban: how long; leave out to ban for good.' }),
          reason: trimmedText(0, 500).optional(),
        })
        .refine((b) => (b.commentId === undefined) !== (b.author === undefined), { message: 'give either commentId or author' })
        .openapi('AuthorModeration'),
    ),
  },
  responses: { 200: jsonResponse(Standing, 'How the author stands now.'), ...errorResponses(400, 401, 403, 404, 409, 415) },
})

const authorRoute = createRoute({
  method: 'get',
  path: '/moderation/sites/{site}/authors/{author}',
  tags,
  summary: "An author's standing and their comments on the site, newest first",
  request: { params: SiteParam.extend({ author: AuthorKey.openapi({ param: { name: 'author', in: 'path' } }) }) },
  responses: {
    200: jsonResponse(z.object({ standing: Standing, comments: z.array(ModeratedComment) }).openapi('AuthorHistory'), 'The history.'),
    ...errorResponses(400, 401, 403, 404),
  },
})

const BanJson = z.object({
  id: z.string(),
  author: z.string(),
  name: z.string(),
  reason: z.string().nullable(),
  bannedBy: z.string().nullable(),
  since: z.string(),
  until: z.string().nullable(),
})

const bansRoute = createRoute({
  method: 'get',
  path: '/moderation/sites/{site}/bans',
  tags,
  summary: 'Bans in force, newest first',
  request: { params: SiteParam },
  responses: { 200: jsonResponse(z.object({ bans: z.array(BanJson) }).openapi('BanList'), 'The bans.'), ...errorResponses(401, 403, 404) },
})

const searchRoute = createRoute({
  method: 'get',
  path: '/moderation/sites/{site}/search',
  tags,
  summary: "Search a site's comments by text, author or page, in every status",
  request: {
    params: SiteParam,
    query: z.object({
      text: text().max(200).optional(),
      author: text().max(120).optional().openapi({ description: 'An author key, or part of a name.' }),
      page: text().max(500).optional().openapi({ description: "Part of the page's URL or title." }),
      status: z.enum(['published', 'pending', 'hidden', 'deleted', 'spam', 'shadowed']).optional(),
    }),
  },
  responses: { 200: jsonResponse(z.object({ items: z.array(ModeratedComment) }).openapi('CommentSearchResult'), 'Up to 100 comments.'), ...errorResponses(400, 401, 403, 404) },
})

const allQueuesRoute = createRoute({
  method: 'get',
  path: '/moderation/queue',
  tags,
  summary: 'The queue across every site the account moderates',
  request: { query: QueueQuery },
  responses: { 200: jsonResponse(QueueJson, 'The queue.'), ...errorResponses(401) },
})

export function authorRoutes(deps: Deps) {
  return createRouter()
    .openapi(actRoute, async (c) => {
      const { site, user } = await moderatedSite(deps, c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const refuseSelf = (author: string) => {
        if (author === `user:${user.id}` && input.action !== 'trust' && input.action !== 'untrust')
          throw new AppError('conflict', 'You cannot ban yourself.')
      }
      if (input.author) refuseSelf(input.author)
      const { author, name } = input.commentId
        ? await authorOfComment(deps.db, site.id, input.commentId)
        : { author: input.author!, name: await nameOf(input.author!, site.id) }
      refuseSelf(author)
      await actOnAuthor(deps, site, user.id, { ...input, author, name })
      return c.json(await authorStanding(deps.db, site.id, author, deps.clock.now()), 200)
    })
    .openapi(authorRoute, async (c) => {
      const { author } = c.req.valid('param')
      const { site } = await moderatedSite(deps, c.var.signedIn, c.var.site)
      const comments = await searchComments(deps.db, site.id, { author })
      return c.json({ standing: await authorStanding(deps.db, site.id, author, deps.clock.now()), comments: comments.map(moderatedToJson) }, 200)
    })
    .openapi(bansRoute, async (c) => {
      const { site } = await moderatedSite(deps, c.var.signedIn, c.var.site)
      const rows = await listBans(deps.db, site.id, deps.clock.now())
      const bans = rows.map((b) => ({ ...b, since: b.since.toISOString(), until: b.until?.toISOString() ?? null }))
      return c.json({ bans }, 200)
    })
    .openapi(searchRoute, async (c) => {
      const { site } = await moderatedSite(deps, c.var.signedIn, c.var.site)
      const rows = await searchComments(deps.db, site.id, c.req.valid('query'))
      return c.json({ items: rows.map(moderatedToJson) }, 200)
    })
    .openapi(allQueuesRoute, async (c) => {
      const actor = await actorOf(deps.db, requireSignedIn(c.var.signedIn))
      const sites = await sitesModeratedBy(deps, actor)
      const rows = await readQueue(deps.db, sites.map((s) => s.id), c.req.valid('query').sort)
      return c.json({ items: rows.map(moderatedToJson) }, 200)
    })

  /** The name an author last used on the site, for the ban list; a reader who only reacted, by their account's name. */
  async function nameOf(author: string, siteId: string): Promise<string> {
    const { column, id } = authorFilter(author)
    const row = await deps.db.selectFrom('comments').select('author_name').where('site_id', '=', siteId).where(column, '=', id).orderBy('created_at', 'desc').limit(1).executeTakeFirst()
    if (row) return row.author_name
    const reacted = await deps.db
      .selectFrom('reactions as r')
      .leftJoin('users as u', (j) => j.on('u.id', '=', REACTOR_ACCOUNT))
      .select('u.display_name')
      .where('r.site_id', '=', siteId)
      .where('r.reactor', '=', author)
      .limit(1)
      .executeTakeFirst()
    if (!reacted) throw new AppError('not_found', 'That author has not commented or reacted on this site.')
    return reacted.display_name ?? 'A guest'
  }
}
