import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { hitLimit } from '../http/rate-limit.ts'
import { text } from '../http/text.ts'
import { AUTH_LIMITS } from '../auth/limits.ts'
import { requireDashboardSession, requireSignedIn } from '../access/require-session.ts'
import { UserJson } from '../auth/schemas.ts'
import { userToJson } from '../auth/user-json.ts'
import { deleteAccount, exportAccount } from './your-data.ts'
import { createRouter } from '../http/router.ts'

const MeJson = z
  .object({
    user: UserJson,
    session: z.object({
      siteId: z.string().nullable().openapi({ description: 'The site a widget session works on; null for the dashboard.' }),
      expiresAt: z.string(),
    }),
    memberships: z.array(z.object({ siteId: z.string(), siteName: z.string(), role: z.enum(['owner', 'moderator']) })),
  })
  .openapi('Me')

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Accounts'],
  summary: 'The signed-in account',
  description: 'With a widget token: the account as that site may see it, and its role there only.',
  responses: { 200: jsonResponse(MeJson, 'The account.'), ...errorResponses(401, 403) },
})

const exportRoute = createRoute({
  method: 'get',
  path: '/me/export',
  tags: ['Accounts'],
  summary: 'Everything Engawa holds about the account',
  description: 'Account, sign-in providers, sessions, site roles, comments (as Markdown) and votes, as one JSON file.',
  responses: { 200: jsonResponse(z.object({ format: z.string() }).passthrough().openapi('AccountExport'), 'The export.'), ...errorResponses(401, 403) },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/me',
  tags: ['Accounts'],
  summary: 'Delete the account',
  description:
    'Its comments stay, shown as from a deleted user (`keep`), or are deleted (`remove`; where others replied, a tombstone ' +
    'keeps the replies in place). From Engawa’s own pages (the cookie) only; an account with a password must give it.',
  request: {
    body: jsonBody(
      z
        .strictObject({ comments: z.enum(['keep', 'remove']), password: text().max(4096).optional() })
        .openapi('AccountDeletion'),
    ),
  },
  responses: { 204: { description: 'Deleted.' }, ...errorResponses(400, 401, 403, 415) },
})

export function meRoutes(deps: Pick<Deps, 'db' | 'clock' | 'passwords' | 'pages'>) {
  return createRouter()
    .openapi(exportRoute, async (c) => {
      const { user, session } = requireDashboardSession(c.var.signedIn)
      const data = await exportAccount(deps.db, user, session.id, deps.clock.now())
      c.header('Content-Disposition', 'attachment; filename="engawa-account.json"')
      c.header('Cache-Control', 'private, no-store')
      return c.json(data, 200)
    })
    .openapi(deleteRoute, async (c) => {
      const { user } = requireDashboardSession(c.var.signedIn)
      const input = c.req.valid('json')
      await hitLimit(deps.db, AUTH_LIMITS.passwordByAccount, user.id, deps.clock.now())
      if (user.password_hash !== null && !(await deps.passwords.verify(user.password_hash, input.password ?? '')))
        throw new AppError('invalid_credentials', 'Enter your password to delete your account.')
      await deleteAccount(deps, user, input.comments)
      return c.body(null, 204)
    })
    .openapi(meRoute, async (c) => {
    const { user, session, via } = requireSignedIn(c.var.signedIn)
    let members = deps.db
      .selectFrom('site_members')
      .innerJoin('sites', 'sites.id', 'site_members.site_id')
      .select(['site_members.site_id as siteId', 'sites.name as siteName', 'site_members.role'])
      .where('site_members.user_id', '=', user.id)
    if (session.site_id) members = members.where('site_members.site_id', '=', session.site_id)
    const memberships = await members.orderBy('sites.name').execute()
    return c.json(
      {
        user: userToJson(user, via),
        session: { siteId: session.site_id, expiresAt: session.expires_at.toISOString() },
        memberships,
      },
      200,
    )
  })
}
