import type { Kysely } from 'kysely'
import type { CommentRow, Database } from '../db/schema.ts'
import { queueNotifications } from '../notifications/queue-notifications.ts'
import { touchThread } from '../threads/thread-changes.ts'
import { queueCommentEvent } from './comment-events.ts'

/**
 * What a change to an existing comment sets off, decided here for every kind: the thread's
 * version and visible total move and every process hears of it (touchThread), the webhook event
 * is queued, and a held comment that is published now sends the mail its posting did not.
 * (A new comment's own consequences are in comment-news.ts and insert-comment.ts: a post is
 * one statement.)
 */
export async function commentChanged(
  trx: Kysely<Database>,
  change: { kind: 'moderated' | 'edited' | 'deleted'; before: CommentRow; after: CommentRow; now: Date },
): Promise<{ threadVersion: number }> {
  const { kind, before, after, now } = change
  if (kind === 'moderated') await queueCommentEvent(trx, 'comment.moderated', after, now, { previousStatus: before.status })
  if (kind === 'edited') await queueCommentEvent(trx, 'comment.edited', after, now)
  // Held comments told nobody when posted; once published, their news goes out. A comment
  // published before (an edit put it back into review) is no news to its thread's followers.
  if (before.status === 'pending' && after.status === 'published') await queueNotifications(trx, after, now, { followers: before.first_published_at === null })
  const visibleDelta = (after.status === 'published' ? 1 : 0) - (before.status === 'published' ? 1 : 0)
  const thread = await touchThread(trx, { siteId: before.site_id, thread: { id: before.thread_id }, kind: 'comment', commentId: before.id, visibleDelta, now })
  if (!thread) throw new Error(`comment ${before.id} has no thread`)
  return { threadVersion: thread.version }
}
