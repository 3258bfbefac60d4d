import { createRoute, z } from '@hono/zod-openapi'
import { CommentParams } from '../comments/schemas.ts'
import type { Deps } from '../deps.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { hitLimit } from '../http/rate-limit.ts'
import { trimmedText } from '../http/text.ts'
import { reportComment } from './report.ts'
import { guestFingerprint } from '../authors/guest-fingerprint.ts'
import { createRouter } from '../http/router.ts'

const REPORTS_BY_NETWORK = { name: 'report-ip', max: 30, windowMs: 60 * 60 * 1000 }

const reportRoute = createRoute({
  method: 'post',
  path: '/sites/{site}/comments/{id}/reports',
  summary: 'Report a comment',
  description:
    "Any reader, once per comment. As many distinct reports as the site's threshold hide the comment until a " +
    'moderator reviews it.',
  request: {
    params: CommentParams,
    body: jsonBody(
      z
        .strictObject({ reason: z.enum(['spam', 'abuse', 'off-topic', 'other']), text: trimmedText(0, 500).optional() })
        .openapi('Report'),
    ),
  },
  responses: {
    201: jsonResponse(z.object({ hidden: z.boolean() }).openapi('Reported'), 'Received; `hidden` when it was the report that hid it.'),
    ...errorResponses(400, 403, 404, 409, 429),
  },
})

export function reportRoutes(deps: Deps) {
  return createRouter().openapi(reportRoute, async (c) => {
    const site = c.var.site
    const network = addressBucket(clientIp(c, deps.config.trustedProxies))
    await hitLimit(deps.db, REPORTS_BY_NETWORK, `${site.id} ${network}`, deps.clock.now())
    const user = c.var.signedIn?.user
    const reporter = user ? `user:${user.id}` : `guest:${await guestFingerprint(deps.db, site, network)}`
    const { hidden } = await reportComment(deps, site, { commentId: c.req.valid('param').id, reporter, ...c.req.valid('json') })
    return c.json({ hidden }, 201)
  })
}
