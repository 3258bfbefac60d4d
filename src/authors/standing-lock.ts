import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/**
 * Holds an author's standing on a site steady until the transaction ends: shared by a write
 * that reads it (a reaction is counted unless its reader is shadow-banned), exclusive for a
 * change of it (a shadow ban and what it recounts). Without it a reaction read the old standing
 * while a ban committed, and stayed counted. Taken before any row lock, so it never waits
 * inside one.
 */
export async function holdStanding(trx: Kysely<Database>, siteId: string, author: string, change: boolean): Promise<void> {
  const key = sql`hashtextextended(${`${siteId}\n${author}`}, 0)`
  await (change ? sql`select pg_advisory_xact_lock(${key})` : sql`select pg_advisory_xact_lock_shared(${key})`).execute(trx)
}
