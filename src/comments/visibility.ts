import { sql, type RawBuilder } from 'kysely'

/** Statuses whose text is gone from the public page; with replies they stay as tombstones. */
export const REMOVED_STATUSES = ['deleted', 'hidden'] as const

/**
 * What a reader sees in the tree: published comments, and removed ones that still hold
 * visible replies (tombstones). Pending and spam stay out. reply_count counts only visible
 * replies, so this is decidable from the row alone.
 */
export function visibleInTree(alias: string): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(`${alias}.${name}`)
  return sql<boolean>`(${column('status')} = 'published' or (${column('status')} in ('deleted', 'hidden') and ${column('reply_count')} > 0))`
}

/** The same rule for a row already in hand. */
export function isVisibleRow(row: { status: string; reply_count: number }): boolean {
  return row.status === 'published' || ((REMOVED_STATUSES as readonly string[]).includes(row.status) && row.reply_count > 0)
}
