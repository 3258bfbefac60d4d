import { z } from '@hono/zod-openapi'
import { WEBHOOK_EVENTS, type WebhookAttemptRow, type WebhookRow } from '../db/schema.ts'
import { text, trimmedText } from '../http/text.ts'

export const WebhookEventName = z.enum(WEBHOOK_EVENTS).openapi('WebhookEvent', {
  description:
    '`comment.created` (also for comments held for approval or hidden at once: see `status`), `comment.edited`, ' +
    '`comment.moderated` (any change of status: approved, hidden, marked spam, deleted by a moderator, hidden by reports), ' +
    '`report.created`. Test deliveries have the type `webhook.test`.',
})

const EndpointUrl = text()
  .trim()
  .max(2000, { message: 'must be at most 2000 characters' })
  .pipe(z.url({ message: 'must be a URL such as https://hooks.example/engawa' }))
  .openapi({ description: 'https only; it must not resolve to a private, loopback or link-local address.', example: 'https://hooks.example/engawa' })

const Events = z.array(WebhookEventName).min(1, { message: 'choose at least one event' }).max(WEBHOOK_EVENTS.length * 2)

export const WebhookCreate = z
  .strictObject({ url: EndpointUrl, events: Events, description: trimmedText(0, 200).optional(), enabled: z.boolean().optional() })
  .openapi('WebhookCreate')

export const WebhookPatch = z
  .strictObject({ url: EndpointUrl.optional(), events: Events.optional(), description: trimmedText(0, 200).optional(), enabled: z.boolean().optional() })
  .openapi('WebhookPatch')

export const WebhookJson = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(WebhookEventName),
    description: z.string(),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook')

export const WebhookWithSecret = z
  .object({
    webhook: WebhookJson,
    secret: z.string().openapi({
      description: 'The Standard Webhooks signing secret (`whsec_…`). Shown only now: keep it where your receiver can read it.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .openapi('WebhookWithSecret')

export const WebhookAttemptJson = z
  .object({
    id: z.uuid(),
    deliveryId: z.uuid().openapi({ description: 'The `webhook-id` header: the same on every attempt at one event.' }),
    eventType: z.string(),
    attempt: z.number().int(),
    attemptedAt: z.string(),
    statusCode: z.number().int().nullable().openapi({ description: "The endpoint's HTTP status; null when no answer came." }),
    error: z.string().nullable().openapi({ description: 'Why the attempt failed: a network error, a refused address, a timeout, a status other than 2xx.' }),
    responseExcerpt: z.string().openapi({ description: 'The start of what the endpoint answered.' }),
    durationMs: z.number().int(),
    outcome: z.enum(['delivered', 'retrying', 'failed']).openapi({ description: '`failed`: the last attempt; the event is given up.' }),
    nextAttemptAt: z.string().nullable(),
  })
  .openapi('WebhookAttempt')

export function webhookToJson(row: WebhookRow): z.infer<typeof WebhookJson> {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export function attemptToJson(row: WebhookAttemptRow): z.infer<typeof WebhookAttemptJson> {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    eventType: row.event_type,
    attempt: row.attempt,
    attemptedAt: row.attempted_at.toISOString(),
    statusCode: row.status_code,
    error: row.error,
    responseExcerpt: row.response_excerpt,
    durationMs: row.duration_ms,
    outcome: row.outcome,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
  }
}
