import type { Kysely } from 'kysely'
import type { CommentRow, CommentStatus, Database } from '../db/schema.ts'
import { attachAncestors, releaseAncestors } from './tree-counts.ts'
import { isVisibleRow } from './visibility.ts'
import { commentChanged } from './comment-changes.ts'

/** A comment of the site, locked for the rest of the transaction; undefined when there is none. */
export function lockComment(trx: Kysely<Database>, siteId: string, commentId: string): Promise<CommentRow | undefined> {
  return trx.selectFrom('comments').selectAll().where('site_id', '=', siteId).where('id', '=', commentId).forUpdate().executeTakeFirst()
}

/**
 * Moves a locked comment to another status, keeping the thread's visible total and every
 * ancestor's count of visible replies right, with what the change sets off (comment-changes.ts).
 * Returns the row as it is now.
 */
export async function changeStatus(
  trx: Kysely<Database>,
  row: CommentRow,
  status: CommentStatus,
  fields: { moderation_reason?: string | null; reason_public?: boolean },
  now: Date,
): Promise<{ comment: CommentRow }> {
  const comment = await trx
    .updateTable('comments')
    .set({ status, ...fields, first_published_at: row.first_published_at ?? (row.status === 'published' ? row.created_at : status === 'published' ? now : null) })
    .where('site_id', '=', row.site_id)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  const wasVisible = isVisibleRow(row)
  const isVisible = isVisibleRow(comment)
  if (wasVisible && !isVisible) await releaseAncestors(trx, row)
  if (!wasVisible && isVisible) await attachAncestors(trx, row)
  await commentChanged(trx, { kind: 'moderated', before: row, after: comment, now })
  return { comment }
}
