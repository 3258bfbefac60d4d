import { sql, type RawBuilder } from 'kysely'

/** Statuses whose text is gone from the public page; with replies they stay as tombstones. */
export const REMOVED_STATUSES = ['deleted', 'hidden'] as const

/**
 * What a reader sees in the tree: published comments; hidden ones, as "hidden by a moderator"
 * (readers see that moderators acted); and deleted ones that still hold visible replies
 * (tombstones). Pending, spam and shadowed stay out. reply_count counts only visible replies,
 * so this is decidable from the row alone.
 */
export function visibleInTree(alias: string): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(`${alias}.${name}`)
  return sql<boolean>`(${column('status')} in ('published', 'hidden') or (${column('status')} = 'deleted' and ${column('reply_count')} > 0))`
}

/** The same rule for a row already in hand. */
export function isVisibleRow(row: { status: string; reply_count: number }): boolean {
  return row.status === 'published' || row.status === 'hidden' || (row.status === 'deleted' && row.reply_count > 0)
}
