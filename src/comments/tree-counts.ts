import { sql, type Kysely } from 'kysely'
import type { CommentRow, Database } from '../db/schema.ts'
import { isVisibleRow } from './visibility.ts'

// What a comment entering or leaving the tree does to the counts around it: the thread's
// visible total, and each ancestor's count of visible replies (which decides whether a
// tombstone stays). Callers hold the comment's row lock.

/** Where a comment sits in its thread: all the ancestor walks below need. */
type TreePosition = Pick<CommentRow, 'site_id' | 'thread_id' | 'depth' | 'path'>

/** A comment's ancestors, deepest first, locked in the order a delete locks them. */
async function lockAncestors(trx: Kysely<Database>, row: TreePosition) {
  if (row.depth === 0) return []
  return trx
    .selectFrom('comments')
    .select(['id', 'status', 'reply_count'])
    .where('site_id', '=', row.site_id)
    .where('thread_id', '=', row.thread_id)
    .where('seq', '=', sql<number>`any(${row.path.slice(0, -1)}::int[])`)
    .orderBy('depth', 'desc')
    .forUpdate()
    .execute()
}

/** A comment left the tree: its parent has one visible reply fewer, and a tombstone left with none goes too. */
export async function releaseAncestors(trx: Kysely<Database>, row: CommentRow) {
  for (const ancestor of await lockAncestors(trx, row)) {
    await trx
      .updateTable('comments')
      .set((eb) => ({ reply_count: eb('reply_count', '-', 1) }))
      .where('site_id', '=', row.site_id)
      .where('id', '=', ancestor.id)
      .execute()
    const stillVisible = isVisibleRow({ status: ancestor.status, reply_count: ancestor.reply_count - 1 })
    if (stillVisible || !isVisibleRow(ancestor)) return
  }
}

/** A comment came (back) into the tree: its ancestors gain a visible reply, and tombstones above it reappear. */
export async function attachAncestors(trx: Kysely<Database>, row: TreePosition) {
  for (const ancestor of await lockAncestors(trx, row)) {
    await trx
      .updateTable('comments')
      .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
      .where('site_id', '=', row.site_id)
      .where('id', '=', ancestor.id)
      .execute()
    // Only an ancestor that appears because of this (a tombstone regaining a reply) changes its own parent.
    const appears = !isVisibleRow(ancestor) && isVisibleRow({ status: ancestor.status, reply_count: ancestor.reply_count + 1 })
    if (!appears) return
  }
}
