import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { rejectInvalid } from '../http/errors.ts'
import { errorResponses, jsonResponse } from '../http/openapi.ts'
import { requireSignedIn } from './authenticate.ts'
import { UserJson } from './schemas.ts'
import { userToJson } from './user-json.ts'

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

export function meRoutes(deps: Pick<Deps, 'db'>) {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(meRoute, async (c) => {
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
