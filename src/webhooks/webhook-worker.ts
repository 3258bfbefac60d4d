import { sql, type Kysely } from 'kysely'
import { Webhook } from 'standardwebhooks'
import type { Database, WebhookDeliveryRow } from '../db/schema.ts'
import type { Clock } from '../deps.ts'
import { roundLoop, type RoundLoop } from '../jobs/round-loop.ts'
import type { Log } from '../log.ts'
import { ATTEMPTS_KEPT } from './endpoints.ts'
import type { WebhookResponse, WebhookSender } from './webhook-sender.ts'

// Sends the webhook outbox, as mail-worker.ts sends mail: every Node instance (and `engawa jobs
// run`) claims a few due deliveries in one statement (FOR UPDATE SKIP LOCKED, with a lease),
// commits, and only then makes the requests, so no lock waits on a slow endpoint; a claim whose
// instance died comes due again when its lease ends. Delivery is at least once: receivers drop
// repeats by the webhook-id header, which is the same on every attempt.

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
/**
 * The wait after each failed attempt; after the last, the event is given up. Seven attempts over
 * about a day (5 s, 1 min, 10 min, 1 h, 6 h, 16 h), as Standard Webhooks' senders do.
 */
export const RETRY_DELAYS_MS = [5 * SECOND, MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, 16 * HOUR]
/** Each delay is stretched or shrunk by up to this share, so a recovering endpoint is not hit by every retry at once. */
const JITTER = 0.2

export interface WebhookWorkerDeps {
  db: Kysely<Database>
  clock: Clock
  log: Log
  sender: WebhookSender
  /** Deliveries claimed per round, sent one after another. */
  batchSize?: number
  /** How long a claim keeps other instances off a row; must outlast a round of slow sends. */
  leaseMs?: number
  /** In [0, 1): the jitter's dice. */
  random?: () => number
}

export interface WebhookRound {
  delivered: number
  retrying: number
  failed: number
}

export interface WebhookWorker extends RoundLoop {
  /** One round: claim due deliveries, send them, record each outcome. */
  runOnce(): Promise<WebhookRound>
}

/** When to try again after the `attempts`-th attempt failed, or undefined to give up. */
export function nextAttemptAt(attempts: number, now: Date, random: () => number): Date | undefined {
  const delay = RETRY_DELAYS_MS[attempts - 1]
  if (delay === undefined) return undefined
  return new Date(now.getTime() + Math.round(delay * (1 - JITTER + 2 * JITTER * random())))
}

export function createWebhookWorker(deps: WebhookWorkerDeps): WebhookWorker {
  const { db, clock, log, sender } = deps
  const batchSize = deps.batchSize ?? 10
  const leaseMs = deps.leaseMs ?? 5 * MINUTE
  const random = deps.random ?? Math.random

  async function runOnce(): Promise<WebhookRound> {
    const round: WebhookRound = { delivered: 0, retrying: 0, failed: 0 }
    const claimed = await claimDue(db, clock.now(), batchSize, leaseMs)
    if (claimed.length === 0) return round
    const endpoints = await db
      .selectFrom('webhooks')
      .select(['site_id', 'id', 'url', 'secret', 'enabled'])
      .where(({ eb, refTuple, tuple }) => eb(refTuple('site_id', 'id'), 'in', claimed.map((d) => tuple(d.site_id, d.webhook_id))))
      .execute()
    for (const delivery of claimed) {
      // Slow sends earlier in this round outlasted the lease: the rest may be another instance's now.
      if (!delivery.claimed_until || clock.now() >= delivery.claimed_until) break
      const endpoint = endpoints.find((e) => e.site_id === delivery.site_id && e.id === delivery.webhook_id)
      // Turned off since the event: it gets nothing more (a test is still sent, so it can be tried).
      if (!endpoint || (!endpoint.enabled && delivery.event_type !== 'webhook.test')) {
        await dropDelivery(db, delivery)
        continue
      }
      const sentAt = clock.now()
      const timestamp = new Date(Math.floor(sentAt.getTime() / 1000) * 1000)
      const signature = new Webhook(endpoint.secret).sign(delivery.id, timestamp, delivery.payload)
      const response = await sender.send({
        url: endpoint.url,
        body: delivery.payload,
        headers: { 'webhook-id': delivery.id, 'webhook-timestamp': String(timestamp.getTime() / 1000), 'webhook-signature': signature },
      })
      const outcome = await recordAttempt(delivery, sentAt, response)
      round[outcome]++
    }
    return round
  }

  /** Logs the attempt, then deletes the delivery (delivered, or given up) or schedules the next try. */
  async function recordAttempt(delivery: WebhookDeliveryRow, sentAt: Date, response: WebhookResponse) {
    const isDelivered = response.error === null
    const retryAt = isDelivered ? undefined : nextAttemptAt(delivery.attempts, clock.now(), random)
    const outcome = isDelivered ? 'delivered' : retryAt ? 'retrying' : 'failed'
    await db.transaction().execute(async (trx) => {
      const at = { site_id: delivery.site_id, id: delivery.id }
      // Our claim only: if it lapsed and another instance took the row, the attempt count moved on.
      const mine = trx.updateTable('webhook_deliveries').where('site_id', '=', at.site_id).where('id', '=', at.id).where('attempts', '=', delivery.attempts)
      if (retryAt) await mine.set({ next_attempt_at: retryAt, claimed_until: null }).execute()
      else await trx.deleteFrom('webhook_deliveries').where('site_id', '=', at.site_id).where('id', '=', at.id).execute()
      await trx
        .insertInto('webhook_attempts')
        .values({
          site_id: delivery.site_id,
          webhook_id: delivery.webhook_id,
          delivery_id: delivery.id,
          event_type: delivery.event_type,
          attempt: delivery.attempts,
          attempted_at: sentAt,
          status_code: response.statusCode,
          error: response.error,
          response_excerpt: response.excerpt,
          duration_ms: response.durationMs,
          outcome,
          next_attempt_at: retryAt ?? null,
        })
        .execute()
      await pruneLog(trx, delivery.site_id, delivery.webhook_id)
    })
    if (outcome === 'failed') log.warn('webhook given up', { deliveryId: delivery.id, attempts: delivery.attempts, error: response.error })
    else if (outcome === 'retrying') log.info('webhook not delivered, will retry', { deliveryId: delivery.id, attempts: delivery.attempts, error: response.error })
    return outcome
  }

  const handled = async () => {
    const round = await runOnce()
    return round.delivered + round.retrying + round.failed
  }
  return { runOnce, ...roundLoop('webhook', log, batchSize, handled) }
}

/**
 * Claims up to `limit` due deliveries of any site in one statement (the worker serves them all):
 * the subquery locks what it picks and skips what another instance holds.
 */
async function claimDue(db: Kysely<Database>, now: Date, limit: number, leaseMs: number): Promise<WebhookDeliveryRow[]> {
  const rows = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ claimed_until: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('site_id', 'id'),
        'in',
        selectFrom('webhook_deliveries')
          .select(['site_id', 'id'])
          .where('next_attempt_at', '<=', now)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
          .orderBy('next_attempt_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .$asTuple('site_id', 'id'),
      ),
    )
    .returningAll()
    .execute()
  return rows.sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime())
}

async function dropDelivery(db: Kysely<Database>, delivery: WebhookDeliveryRow): Promise<void> {
  await db.deleteFrom('webhook_deliveries').where('site_id', '=', delivery.site_id).where('id', '=', delivery.id).execute()
}

/** Keeps the endpoint's last ATTEMPTS_KEPT attempts. */
async function pruneLog(trx: Kysely<Database>, siteId: string, webhookId: string): Promise<void> {
  await sql`
    delete from webhook_attempts
    where site_id = ${siteId} and webhook_id = ${webhookId} and id in (
      select id from webhook_attempts where site_id = ${siteId} and webhook_id = ${webhookId}
      order by attempted_at desc, attempt desc offset ${ATTEMPTS_KEPT}
    )`.execute(trx)
}
