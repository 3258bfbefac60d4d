import { createRoute, z } from '@hono/zod-openapi'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { managedSite } from '../access/site-access.ts'
import { queueTestMail, readDeliveryLog, type DeliveryEntry } from './delivery-log.ts'
import { createRouter } from '../http/router.ts'

const DeliveryJson = z
  .object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    status: z.enum(['queued', 'retrying', 'sent', 'failed']),
    attempts: z.number().int(),
    createdAt: z.iso.datetime(),
    settledAt: z.iso.datetime().nullable().openapi({ description: 'When it was sent or given up.' }),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable().openapi({ description: 'The mail server’s answer to the last failed attempt.' }),
  })
  .openapi('MailDelivery')

const logRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/mail',
  tags: ['Administration'],
  summary: "The site's mail delivery log",
  description: 'Owners and instance admins: the latest notification and test mails, with their state; never their text.',
  request: { params: SiteParam },
  responses: { 200: jsonResponse(z.object({ mails: z.array(DeliveryJson) }).openapi('MailDeliveryLog'), 'Newest first.'), ...errorResponses(401, 403, 404) },
})

const testRoute = createRoute({
  method: 'post',
  path: '/admin/sites/{site}/mail/test',
  tags: ['Administration'],
  summary: 'Send a test mail',
  description: 'Queues a mail to the signed-in owner’s own address; its delivery shows in the log.',
  request: { params: SiteParam, body: jsonBody(z.strictObject({}).openapi('TestMailRequest')) },
  responses: { 202: jsonResponse(z.object({ to: z.string() }).openapi('TestMailQueued'), 'Queued.'), ...errorResponses(400, 401, 403, 404, 415) },
})

export function deliveryToJson(m: DeliveryEntry): z.infer<typeof DeliveryJson> {
  return { ...m, createdAt: m.createdAt.toISOString(), settledAt: m.settledAt?.toISOString() ?? null, nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null }
}

export function deliveryRoutes(deps: Pick<Deps, 'db' | 'clock'>) {
  return createRouter()
    .openapi(logRoute, async (c) => {
      const { site, user } = await managedSite(deps, c.var.signedIn, c.var.site)
      const mails = await readDeliveryLog(deps.db, site.id, user.email)
      return c.json({ mails: mails.map(deliveryToJson) }, 200)
    })
    .openapi(testRoute, async (c) => {
      const { site, user } = await managedSite(deps, c.var.signedIn, c.var.site)
      if (!user.email || !user.email_verified_at) throw new AppError('email_not_verified', 'Your account has no confirmed address to send the test mail to.')
      await queueTestMail(deps.db, site, user.email, deps.clock.now())
      return c.json({ to: user.email }, 202)
    })
}
