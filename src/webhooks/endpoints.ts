import { encodeBase64 } from '@oslojs/encoding'
import type { Kysely } from 'kysely'
import type { Database, WebhookAttemptRow, WebhookEvent, WebhookRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { recordAction } from '../audit/audit-log.ts'

/** Enough for any site's integrations; a cap keeps one site from fanning every event out a thousandfold. */
export const MAX_WEBHOOKS_PER_SITE = 20
/** Attempts kept in each endpoint's delivery log. */
export const ATTEMPTS_KEPT = 100

/** A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function generateSigningSecret(): string {
  return `whsec_${encodeBase64(crypto.getRandomValues(new Uint8Array(24)))}`
}

export interface WebhookInput {
  url: string
  events: WebhookEvent[]
  description?: string
  enabled?: boolean
}

interface Actor {
  siteId: string
  userId: string
}

/** Registers an endpoint (its URL already checked); the owner sees the returned secret once. */
export async function createWebhook(db: Kysely<Database>, by: Actor, input: WebhookInput, now: Date): Promise<WebhookRow> {
  return db.transaction().execute(async (trx) => {
    const { n } = await trx
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_id', '=', by.siteId)
      .executeTakeFirstOrThrow()
    if (Number(n) >= MAX_WEBHOOKS_PER_SITE)
      throw new AppError('conflict', `A site can have at most ${MAX_WEBHOOKS_PER_SITE} webhooks; delete one you no longer use first.`)
    const row = await trx
      .insertInto('webhooks')
      .values({
        site_id: by.siteId,
        url: input.url,
        events: [...new Set(input.events)],
        secret: generateSigningSecret(),
        enabled: input.enabled ?? true,
        description: input.description ?? '',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(trx, by, 'webhook-create', row.id, row.url, now)
    return row
  })
}

export function listWebhooks(db: Kysely<Database>, siteId: string): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('id').execute()
}

export async function getWebhook(db: Kysely<Database>, siteId: string, id: string): Promise<WebhookRow> {
  const row = await db.selectFrom('webhooks').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound()
  return row
}

/** Changes what is given: the URL (already checked), the events, the description, on or off. */
export async function updateWebhook(db: Kysely<Database>, by: Actor, id: string, patch: Partial<WebhookInput>, now: Date): Promise<WebhookRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhooks')
      .set({
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        updated_at: now,
      })
      .where('site_id', '=', by.siteId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    if (!row) throw notFound()
    await audit(trx, by, 'webhook-update', row.id, Object.keys(patch).join(', ') || 'nothing', now)
    return row
  })
}

/** A new secret at once: deliveries from now on are signed with it (the old one stops working). */
export async function rotateWebhookSecret(db: Kysely<Database>, by: Actor, id: string, now: Date): Promise<WebhookRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhooks')
      .set({ secret: generateSigningSecret(), updated_at: now })
      .where('site_id', '=', by.siteId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
    if (!row) throw notFound()
    await audit(trx, by, 'webhook-rotate-secret', row.id, null, now)
    return row
  })
}

/** Deletes the endpoint with its queued deliveries and its log. */
export async function deleteWebhook(db: Kysely<Database>, by: Actor, id: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('webhooks').where('site_id', '=', by.siteId).where('id', '=', id).returning('url').executeTakeFirst()
    if (!row) throw notFound()
    await audit(trx, by, 'webhook-delete', id, row.url, now)
  })
}

/** The endpoint's delivery log, newest first. */
export function readAttempts(db: Kysely<Database>, siteId: string, webhookId: string): Promise<WebhookAttemptRow[]> {
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('webhook_id', '=', webhookId)
    .orderBy('attempted_at', 'desc')
    .orderBy('attempt', 'desc')
    .limit(ATTEMPTS_KEPT)
    .execute()
}

function notFound() {
  return new AppError('not_found', 'There is no such webhook on this site.')
}

function audit(trx: Kysely<Database>, by: Actor, action: string, webhookId: string, reason: string | null, now: Date) {
  return recordAction(trx, { siteId: by.siteId, actorUserId: by.userId, action, targetKind: 'site', targetId: webhookId, reason }, now)
}
