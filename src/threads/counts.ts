import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/** Visible comment counts for many pages of one site in one index-backed query. */
export async function countComments(db: Kysely<Database>, siteId: string, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map()
  const rows = await db
    .selectFrom('threads')
    .select(['key', 'comment_count'])
    .where('site_id', '=', siteId)
    .where('key', 'in', keys)
    .execute()
  return new Map(rows.map((r) => [r.key, r.comment_count]))
}
