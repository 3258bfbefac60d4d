import { createRoute, z } from '@hono/zod-openapi'
import { requireDashboardSession, requireSignedIn } from '../access/require-session.ts'
import { threadKeyOf } from '../threads/thread-key.ts'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import type { SiteRow, UserRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import type { SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { keyText, text } from '../http/text.ts'
import { subscribe } from './recipients.ts'
import { createRouter } from '../http/router.ts'

// What a signed-in reader asks for: mail about replies to their comments (an account setting,
// on every site) and about whole threads they follow (per thread, from the widget).

const Locale = z.enum(['en', 'ja'])
const PageQuery = z.object({ key: keyText(500).optional(), url: text().max(2000).optional() })
const FollowJson = z.object({ following: z.boolean() }).openapi('ThreadFollow')
const PreferencesJson = z
  .object({
    replies: z.boolean().openapi({ description: 'Mail me when someone replies to one of my comments.' }),
    locale: Locale.openapi({ description: 'The language of notification mails.' }),
  })
  .openapi('NotificationPreferences')

const followPath = '/sites/{site}/thread/subscription'
const showFollow = createRoute({
  method: 'get',
  path: followPath,
  tags: ['Notifications'],
  summary: 'Whether the signed-in reader follows this thread',
  request: { params: SiteParam, query: PageQuery },
  responses: { 200: jsonResponse(FollowJson, 'The state.'), ...errorResponses(400, 401, 422) },
})
const follow = createRoute({
  method: 'put',
  path: followPath,
  tags: ['Notifications'],
  summary: 'Follow a thread by mail',
  description: 'New comments in it come to the account’s verified address, batched, at most one mail every few minutes.',
  request: { params: SiteParam, query: PageQuery, body: jsonBody(z.strictObject({ locale: Locale.optional() }).openapi('ThreadFollowRequest')) },
  responses: { 200: jsonResponse(FollowJson, 'Following.'), ...errorResponses(400, 401, 403, 404, 415, 422) },
})
const unfollow = createRoute({
  method: 'delete',
  path: followPath,
  tags: ['Notifications'],
  summary: 'Stop following a thread',
  request: { params: SiteParam, query: PageQuery },
  responses: { 200: jsonResponse(FollowJson, 'Not following.'), ...errorResponses(400, 401, 422) },
})
const showPreferences = createRoute({
  method: 'get',
  path: '/me/notifications',
  tags: ['Accounts'],
  summary: 'The account’s notification preferences',
  responses: { 200: jsonResponse(PreferencesJson, 'The preferences.'), ...errorResponses(401) },
})
const setPreferences = createRoute({
  method: 'put',
  path: '/me/notifications',
  tags: ['Accounts'],
  summary: 'Change the account’s notification preferences',
  request: { body: jsonBody(z.strictObject({ replies: z.boolean().optional(), locale: Locale.optional() }).openapi('NotificationPreferencesChange')) },
  responses: { 200: jsonResponse(PreferencesJson, 'The preferences now.'), ...errorResponses(400, 401, 403, 415) },
})

function verifiedReader(signedIn: SignedIn | undefined): UserRow {
  const { user } = requireSignedIn(signedIn)
  if (!user.email || !user.email_verified_at) throw new AppError('email_not_verified', 'Add and confirm an email address on your account first.')
  return user
}

async function findThreadId(db: Deps['db'], site: SiteRow, query: z.infer<typeof PageQuery>) {
  const thread = await db.selectFrom('threads').select('id').where('site_id', '=', site.id).where('key', '=', threadKeyOf(site, query)).executeTakeFirst()
  return thread?.id
}

export function readerNotificationRoutes(deps: Pick<Deps, 'db' | 'clock' | 'config'>) {
  const { db } = deps
  const isFollowing = async (site: SiteRow, threadId: string | undefined, userId: string) =>
    threadId !== undefined &&
    (await db
      .selectFrom('notify_subscriptions as s')
      .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 's.site_id').onRef('r.id', '=', 's.recipient_id'))
      .select('s.id')
      .where('s.site_id', '=', site.id)
      .where('s.thread_id', '=', threadId)
      .where('r.user_id', '=', userId)
      .executeTakeFirst()) !== undefined
  return createRouter()
    .openapi(showFollow, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      const site = c.var.site
      return c.json({ following: await isFollowing(site, await findThreadId(db, site, c.req.valid('query')), user.id) }, 200)
    })
    .openapi(follow, async (c) => {
      const user = verifiedReader(c.var.signedIn)
      const site = c.var.site
      const threadId = await findThreadId(db, site, c.req.valid('query'))
      if (!threadId) throw new AppError('not_found', 'There is no thread on that page yet: comment first.')
      const locale = c.req.valid('json').locale ?? user.notify_locale
      await db.transaction().execute((trx) => subscribe(trx, deps.config.publicUrl, { siteId: site.id, threadId }, { userId: user.id }, locale, deps.clock.now()))
      return c.json({ following: true }, 200)
    })
    .openapi(unfollow, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      const site = c.var.site
      const threadId = await findThreadId(db, site, c.req.valid('query'))
      if (threadId)
        await db
          .deleteFrom('notify_subscriptions')
          .where('site_id', '=', site.id)
          .where('thread_id', '=', threadId)
          .where('recipient_id', 'in', (eb) => eb.selectFrom('notify_recipients').select('id').where('site_id', '=', site.id).where('user_id', '=', user.id))
          .execute()
      return c.json({ following: false }, 200)
    })
    .openapi(showPreferences, async (c) => {
      const { user } = requireSignedIn(c.var.signedIn)
      return c.json({ replies: user.notify_replies, locale: user.notify_locale }, 200)
    })
    .openapi(setPreferences, async (c) => {
      const input = c.req.valid('json')
      // Turning mail on for every site is the account's own choice, made on Engawa itself: a widget
      // token, which scripts on any site's page can read, may only turn it off.
      const user = input.replies ? verifiedReader(requireDashboardSession(c.var.signedIn)) : requireSignedIn(c.var.signedIn).user
      const row = await db
        .updateTable('users')
        .set({ notify_replies: input.replies ?? user.notify_replies, notify_locale: input.locale ?? user.notify_locale })
        .where('id', '=', user.id)
        .returning(['notify_replies', 'notify_locale'])
        .executeTakeFirstOrThrow()
      return c.json({ replies: row.notify_replies, locale: row.notify_locale }, 200)
    })
}
