import type { ExpressionBuilder } from 'kysely'
import type { Database } from '../db/schema.ts'

/** Statuses whose text is gone from the public page; with replies they stay as tombstones. */
export const REMOVED_STATUSES = ['deleted', 'hidden'] as const

/**
 * What a reader sees in the tree: published comments, and removed ones that still hold
 * visible replies (tombstones). Pending and spam stay out. reply_count counts only visible
 * replies, so this is decidable from the row alone.
 */
export function isVisibleInTree(eb: ExpressionBuilder<Database & { c: Database['comments'] }, 'c'>) {
  return eb.or([
    eb('c.status', '=', 'published'),
    eb.and([eb('c.status', 'in', REMOVED_STATUSES), eb('c.reply_count', '>', 0)]),
  ])
}

export function isVisibleRow(row: { status: string; reply_count: number }): boolean {
  return row.status === 'published' || ((row.status === 'deleted' || row.status === 'hidden') && row.reply_count > 0)
}
