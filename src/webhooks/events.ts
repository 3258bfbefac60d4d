import type { Kysely } from 'kysely'
import type { Database, WebhookEvent } from '../db/schema.ts'

// Webhook events join the outbox in the caller's transaction, so an event exists exactly when
// the write that caused it committed. One row per subscribed, enabled endpoint; a site without
// webhooks pays one indexed read per event and writes nothing.
//
// The payload (Standard Webhooks' `{ type, timestamp, data }`) is fixed when the event happens,
// so every retry sends the same bytes and a later edit does not rewrite history:
//
//   data.siteId    the site's public id
//   data.thread    { id, key, url, title }: the page the comment is on
//   data.comment   (comments/comment-events.ts) the comment as the public API shows it to moderators: id, parentId, depth,
//                  author { name }, html, createdAt, editedAt, score, replyCount, status (and the
//                  hiding reason when shown to readers). A comment held for approval or hidden
//                  still fires comment.created, with its status, for moderation tooling.
//                  Never its Markdown source, edit token, email or network fingerprint.
//   data.previousStatus   comment.moderated: the status it moved from
//   data.report    report.created: { reason, text, createdAt } (never who reported)

/**
 * Queues an event about a page of a site (`data` is its payload's data: the thread is added)
 * for every endpoint of the site subscribed to `type`.
 */
export async function queueThreadEvent(
  db: Kysely<Database>,
  type: WebhookEvent,
  at: { siteId: string; threadId: string },
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const thread = await db
    .selectFrom('threads')
    .select(['id', 'key', 'url', 'title'])
    .where('site_id', '=', at.siteId)
    .where('id', '=', at.threadId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('webhooks')
          .select('id')
          .where('site_id', '=', at.siteId)
          .where('enabled', '=', true)
          .where(({ eb: e, val, fn }) => e(val(type), '=', fn.any('events'))),
      ),
    )
    .executeTakeFirst()
  if (!thread) return
  const payload = JSON.stringify({ type, timestamp: now.toISOString(), data: { siteId: at.siteId, thread, ...data } })
  await db
    .insertInto('webhook_deliveries')
    .columns(['site_id', 'webhook_id', 'event_type', 'payload', 'created_at', 'next_attempt_at'])
    .expression((eb) =>
      eb
        .selectFrom('webhooks')
        .select(['site_id', 'id', eb.val(type).as('event_type'), eb.val(payload).as('payload'), eb.val(now).as('created_at'), eb.val(now).as('next_attempt_at')])
        .where('site_id', '=', at.siteId)
        .where('enabled', '=', true)
        .where(({ eb: e, val, fn }) => e(val(type), '=', fn.any('events'))),
    )
    .execute()
}

/** Queues a `webhook.test` event for one endpoint, whatever it subscribes to; returns its message id. */
export async function queueTestEvent(db: Kysely<Database>, siteId: string, webhookId: string, now: Date): Promise<string> {
  const type = 'webhook.test'
  const payload = JSON.stringify({ type, timestamp: now.toISOString(), data: { siteId, webhookId, message: 'A test event from Engawa: this endpoint is reachable.' } })
  const row = await db
    .insertInto('webhook_deliveries')
    .values({ site_id: siteId, webhook_id: webhookId, event_type: type, payload, created_at: now, next_attempt_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
