import { createRoute, z } from '@hono/zod-openapi'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import type { Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { text } from '../http/text.ts'
import { recordAction } from '../audit/audit-log.ts'
import { managedSite } from '../access/site-access.ts'
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenRow } from './api-tokens.ts'
import { requireDashboardSession } from '../access/require-session.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Administration']
const DAY_MS = 24 * 60 * 60 * 1000

const Scope = z.enum(['read', 'moderate', 'admin']).openapi({
  description:
    '`read`: the queue, search, audit log, settings and imports’ progress. `moderate`: also every moderation action. `admin`: also changing settings, thread moves and merges, imports and exports. People, the SSO secret, webhooks, the mail log and tokens are for the dashboard only.',
})

const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: Scope,
    createdAt: z.string(),
    createdBy: z.string().nullable().openapi({ description: 'The owner the token acts for.' }),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().openapi({ description: 'To the minute.' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken')

const TokenParams = SiteParam.extend({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) })

const createTokenRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/tokens',
  tags,
  summary: 'Create an API token for scripts (shown once)',
  description:
    'Send it as `Authorization: Bearer <token>` to this site’s `/api/v1/moderation/…` and `/api/v1/admin/…` routes. It acts for you, narrowed to its scope, and stops working when revoked, when it expires, or when you stop being an owner. Only a hash is kept.',
  request: {
    params: SiteParam,
    body: jsonBody(
      z
        .strictObject({ name: text().trim().min(1).max(100), scope: Scope, expiresInDays: z.number().int().min(1).max(3650).nullable().default(null) })
        .openapi('ApiTokenRequest'),
    ),
  },
  responses: {
    201: jsonResponse(z.object({ token: z.string(), apiToken: ApiToken }).openapi('NewApiToken'), 'The token; it is not shown again.'),
    ...errorResponses(400, 401, 403, 404, 415, 422),
  },
})

const listTokensRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/tokens',
  tags,
  summary: "The site's API tokens, with their last use",
  request: { params: SiteParam },
  responses: { 200: jsonResponse(z.object({ tokens: z.array(ApiToken) }).openapi('ApiTokens'), 'Newest first.'), ...errorResponses(401, 403, 404) },
})

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/admin/sites/{site}/tokens/{id}',
  tags,
  summary: 'Revoke an API token',
  request: { params: TokenParams },
  responses: { 204: { description: 'Revoked: it is refused from now on.' }, ...errorResponses(401, 403, 404) },
})

type ListedToken = Awaited<ReturnType<typeof listApiTokens>>[number]

function tokenToJson(t: ListedToken | (ApiTokenRow & { created_by_name: string | null })): z.infer<typeof ApiToken> {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    createdAt: t.created_at.toISOString(),
    createdBy: t.created_by_name,
    expiresAt: t.expires_at?.toISOString() ?? null,
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    revokedAt: t.revoked_at?.toISOString() ?? null,
  }
}

/** Owners manage their site's tokens from Engawa's own pages only: never with a token. */
export function apiTokenRoutes(deps: Deps) {
  const manage = (signedIn: AppEnv['Variables']['signedIn'], site: SiteRow) => managedSite(deps, requireDashboardSession(signedIn), site)

  return createRouter()
    .openapi(createTokenRoute, async (c) => {
      const { site, user } = await manage(c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const now = deps.clock.now()
      const expiresAt = input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * DAY_MS)
      const created = await deps.db.transaction().execute(async (trx) => {
        const made = await createApiToken(trx, { siteId: site.id, name: input.name, scope: input.scope, createdBy: user.id, expiresAt }, now)
        await recordAction(trx, { siteId: site.id, actorUserId: user.id, action: 'api-token', targetKind: 'site', targetId: site.id, reason: `created "${input.name}" (${input.scope})` }, now)
        return made
      })
      return c.json({ token: created.token, apiToken: tokenToJson({ ...created.row, created_by_name: user.display_name }) }, 201)
    })
    .openapi(listTokensRoute, async (c) => {
      const { site } = await manage(c.var.signedIn, c.var.site)
      return c.json({ tokens: (await listApiTokens(deps.db, site.id)).map(tokenToJson) }, 200)
    })
    .openapi(revokeTokenRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { site, user } = await manage(c.var.signedIn, c.var.site)
      const now = deps.clock.now()
      await deps.db.transaction().execute(async (trx) => {
        if (!(await revokeApiToken(trx, site.id, id, now))) throw new AppError('not_found', 'This site has no live API token with that id.')
        await recordAction(trx, { siteId: site.id, actorUserId: user.id, action: 'api-token', targetKind: 'site', targetId: site.id, reason: `revoked ${id}` }, now)
      })
      return c.body(null, 204)
    })
}
