import type { Kysely } from 'kysely'
import type { CommentRow, Database, WebhookEvent } from '../db/schema.ts'
import { queueThreadEvent } from '../webhooks/events.ts'
import { commentToJson } from './to-json.ts'

/**
 * Queues a comment event (created, edited, moderated, reported) for the site's webhook endpoints
 * subscribed to it, in the caller's transaction: the comment as the API shows it to moderators,
 * never its Markdown source, edit token, email or network fingerprint.
 */
export async function queueCommentEvent(
  db: Kysely<Database>,
  type: WebhookEvent,
  comment: CommentRow,
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { replies: _replies, repliesCursor: _cursor, ...shown } = commentToJson(comment, null, 'moderator')
  await queueThreadEvent(db, type, { siteId: comment.site_id, threadId: comment.thread_id }, { comment: shown, ...extra }, now)
}
