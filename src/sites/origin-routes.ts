import { createRoute, z } from '@hono/zod-openapi'
import { managedSite } from '../access/site-access.ts'
import type { Deps } from '../deps.ts'
import { errorResponses, jsonBody, jsonResponse, SiteParam } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { text } from '../http/text.ts'
import { changeOrigins } from './site-origins.ts'

const OriginsJson = z
  .object({ origins: z.array(z.string()).openapi({ description: 'Origins whose pages may show the comments, such as https://blog.example.' }) })
  .openapi('AllowedOrigins')

const putRoute = createRoute({
  method: 'put',
  path: '/admin/sites/{site}/origins',
  tags: ['Administration'],
  summary: "Set a site's allowed origins",
  description:
    'Owners and instance admins. Adding an origin takes effect at once. Removing one whose pages have threads answers ' +
    '409 `confirmation_required`, saying how many, unless `confirm` is true; no comment is ever deleted (adding the ' +
    'origin back shows them again). The change is in the audit log.',
  request: {
    params: SiteParam,
    body: jsonBody(z.strictObject({ origins: z.array(text().max(300)).min(1).max(100), confirm: z.boolean().optional() }).openapi('AllowedOriginsChange')),
  },
  responses: { 200: jsonResponse(OriginsJson, 'The origins now.'), ...errorResponses(400, 401, 403, 404, 409, 415) },
})

export function originRoutes(deps: Deps) {
  return createRouter().openapi(putRoute, async (c) => {
    const { site, user } = await managedSite(deps, c.var.signedIn, c.var.site)
    const updated = await changeOrigins(deps, site, { userId: user.id }, c.req.valid('json'))
    return c.json({ origins: updated.allowed_origins }, 200)
  })
}
