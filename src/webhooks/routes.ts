import { createRoute, z } from '@hono/zod-openapi'
import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import type { Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'
import { managedSite } from '../access/site-access.ts'
import { checkEndpointUrl } from './check-endpoint.ts'
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, readAttempts, rotateWebhookSecret, updateWebhook } from './endpoints.ts'
import { queueTestEvent } from './events.ts'
import { attemptToJson, WebhookAttemptJson, WebhookCreate, WebhookJson, WebhookPatch, WebhookWithSecret, webhookToJson } from './webhook-json.ts'
import { createRouter } from '../http/router.ts'

const tags = ['Webhooks']
const base = '/admin/sites/{site}/webhooks'
const WebhookParams = SiteParam.extend({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) })
const SIGNING =
  'Deliveries are POSTs of `{ type, timestamp, data }` signed per Standard Webhooks (headers `webhook-id`, `webhook-timestamp`, ' +
  '`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), retried with backoff (5 s, 1 min, 10 min, 1 h, 6 h, 16 h, ' +
  'with jitter) until a 2xx answer; redirects are not followed. Owners and instance admins, from the dashboard.'

const listRoute = createRoute({
  method: 'get',
  path: base,
  tags,
  summary: "A site's webhook endpoints",
  description: SIGNING,
  request: { params: SiteParam },
  responses: { 200: jsonResponse(z.object({ webhooks: z.array(WebhookJson) }).openapi('Webhooks'), 'The endpoints.'), ...errorResponses(401, 403, 404) },
})

const createRoute_ = createRoute({
  method: 'post',
  path: base,
  tags,
  summary: 'Register a webhook endpoint',
  description: `${SIGNING} The signing secret is in this answer only (and in a rotation's).`,
  request: { params: SiteParam, body: jsonBody(WebhookCreate) },
  responses: { 201: jsonResponse(WebhookWithSecret, 'Registered.'), ...errorResponses(400, 401, 403, 404, 409, 415) },
})

const getRoute = createRoute({
  method: 'get',
  path: `${base}/{id}`,
  tags,
  summary: 'One webhook endpoint',
  request: { params: WebhookParams },
  responses: { 200: jsonResponse(z.object({ webhook: WebhookJson }), 'The endpoint.'), ...errorResponses(401, 403, 404) },
})

const patchRoute = createRoute({
  method: 'patch',
  path: `${base}/{id}`,
  tags,
  summary: 'Change an endpoint: its URL, events, description, or turn it off and on',
  description: 'A disabled endpoint gets no events (those queued for it are dropped) but can still be sent a test.',
  request: { params: WebhookParams, body: jsonBody(WebhookPatch) },
  responses: { 200: jsonResponse(z.object({ webhook: WebhookJson }), 'The endpoint now.'), ...errorResponses(400, 401, 403, 404, 415) },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: `${base}/{id}`,
  tags,
  summary: 'Delete an endpoint, with its queued deliveries and its log',
  request: { params: WebhookParams },
  responses: { 204: { description: 'Deleted.' }, ...errorResponses(401, 403, 404) },
})

const rotateRoute = createRoute({
  method: 'post',
  path: `${base}/{id}/secret`,
  tags,
  summary: "Replace an endpoint's signing secret",
  description: 'Deliveries from now on are signed with the new secret only. Send `{}` as the JSON body.',
  request: { params: WebhookParams },
  responses: { 200: jsonResponse(WebhookWithSecret, 'The new secret, shown only now.'), ...errorResponses(401, 403, 404, 415) },
})

const testRoute = createRoute({
  method: 'post',
  path: `${base}/{id}/test`,
  tags,
  summary: 'Send a test event (`webhook.test`)',
  description: 'Queued at once and sent within seconds, signed and retried like any event; its attempts appear in the delivery log. Send `{}` as the JSON body.',
  request: { params: WebhookParams },
  responses: { 202: jsonResponse(z.object({ deliveryId: z.uuid() }).openapi('WebhookTestQueued'), 'Queued.'), ...errorResponses(401, 403, 404, 415) },
})

const attemptsRoute = createRoute({
  method: 'get',
  path: `${base}/{id}/attempts`,
  tags,
  summary: "An endpoint's delivery log: its last 100 attempts, newest first",
  request: { params: WebhookParams },
  responses: { 200: jsonResponse(z.object({ attempts: z.array(WebhookAttemptJson) }).openapi('WebhookAttempts'), 'The log.'), ...errorResponses(401, 403, 404) },
})

export function webhookRoutes(deps: Deps) {
  const policy = { allowPrivate: deps.config.webhooksAllowPrivate }
  const manage = async (signedIn: SignedIn | undefined, loaded: SiteRow) => {
    const { site, user } = await managedSite(deps, signedIn, loaded)
    return { siteId: site.id, userId: user.id }
  }

  return createRouter()
    .openapi(listRoute, async (c) => {
      const { siteId } = await manage(c.var.signedIn, c.var.site)
      return c.json({ webhooks: (await listWebhooks(deps.db, siteId)).map(webhookToJson) }, 200)
    })
    .openapi(createRoute_, async (c) => {
      const by = await manage(c.var.signedIn, c.var.site)
      const input = c.req.valid('json')
      const url = await checkEndpointUrl(input.url, policy)
      const row = await createWebhook(deps.db, by, { ...input, url: url.href }, deps.clock.now())
      return c.json({ webhook: webhookToJson(row), secret: row.secret }, 201)
    })
    .openapi(getRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { siteId } = await manage(c.var.signedIn, c.var.site)
      return c.json({ webhook: webhookToJson(await getWebhook(deps.db, siteId, id)) }, 200)
    })
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param')
      const by = await manage(c.var.signedIn, c.var.site)
      const patch = c.req.valid('json')
      const url = patch.url === undefined ? undefined : (await checkEndpointUrl(patch.url, policy)).href
      const row = await updateWebhook(deps.db, by, id, { ...patch, ...(url ? { url } : {}) }, deps.clock.now())
      return c.json({ webhook: webhookToJson(row) }, 200)
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param')
      await deleteWebhook(deps.db, await manage(c.var.signedIn, c.var.site), id, deps.clock.now())
      return c.body(null, 204)
    })
    .openapi(rotateRoute, async (c) => {
      const { id } = c.req.valid('param')
      const row = await rotateWebhookSecret(deps.db, await manage(c.var.signedIn, c.var.site), id, deps.clock.now())
      return c.json({ webhook: webhookToJson(row), secret: row.secret }, 200)
    })
    .openapi(testRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { siteId } = await manage(c.var.signedIn, c.var.site)
      const webhook = await getWebhook(deps.db, siteId, id)
      return c.json({ deliveryId: await queueTestEvent(deps.db, siteId, webhook.id, deps.clock.now()) }, 202)
    })
    .openapi(attemptsRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { siteId } = await manage(c.var.signedIn, c.var.site)
      const webhook = await getWebhook(deps.db, siteId, id)
      return c.json({ attempts: (await readAttempts(deps.db, siteId, webhook.id)).map(attemptToJson) }, 200)
    })
}
