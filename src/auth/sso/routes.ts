import { createRoute, z } from '@hono/zod-openapi'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../../http/openapi.ts'
import type { Deps } from '../../deps.ts'
import { recordAction } from '../../audit/audit-log.ts'
import { managedSite } from '../../access/site-access.ts'
import { WidgetSessionJson } from '../schemas.ts'
import { userToJson } from '../user-json.ts'
import { exchangeHostToken } from './exchange.ts'
import { createRouter } from '../../http/router.ts'

const exchangeRoute = createRoute({
  method: 'post',
  path: '/sites/{site}/sso',
  tags: ['Accounts'],
  summary: "Sign in with the host site's own account",
  description:
    "The widget sends the token the site's server made for its signed-in user (see the README: an HMAC-signed payload " +
    'or an HS256 JWT, with the site’s SSO secret) and receives a session for this site. Each token works once.',
  request: { params: SiteParam, body: jsonBody(z.strictObject({ token: z.string().min(1).max(4000) }).openapi('HostSignIn')) },
  responses: { 200: jsonResponse(WidgetSessionJson, 'A session for the site.'), ...errorResponses(400, 401, 404, 409, 415) },
})

const secretRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/sso-secret',
  tags: ['Administration'],
  summary: 'Make a new SSO secret for the site (the old one stops working)',
  description: 'Owners and instance admins. Keep the secret on your server: it signs your users’ sign-in tokens.',
  request: { params: SiteParam },
  responses: { 200: jsonResponse(z.object({ secret: z.string() }).openapi('SsoSecret'), 'The new secret.'), ...errorResponses(401, 403, 404) },
})

export function ssoRoutes(deps: Deps) {
  return createRouter()
    .openapi(exchangeRoute, async (c) => {
      const { token, session, user } = await exchangeHostToken(deps, c.var.site, c.req.valid('json').token)
      return c.json({ token, expiresAt: session.expires_at.toISOString(), user: userToJson(user, 'bearer') }, 200)
    })
    .openapi(secretRoute, async (c) => {
      const { site, user } = await managedSite(deps, c.var.signedIn, c.var.site)
      const secret = encodeHexLowerCase(crypto.getRandomValues(new Uint8Array(32)))
      const now = deps.clock.now()
      await deps.db.transaction().execute(async (trx) => {
        await trx.updateTable('sites').set({ sso_secret: secret, updated_at: now }).where('id', '=', site.id).execute()
        await recordAction(trx, { siteId: site.id, actorUserId: user.id, action: 'sso-secret', targetKind: 'site', targetId: site.id, reason: 'A new SSO secret' }, now)
      })
      return c.json({ secret }, 200)
    })
}
