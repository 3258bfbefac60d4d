import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/**
 * Renumbers a thread's comments in date order, as if each had been posted when it says it
 * was: "oldest first" then reads by date after an import into a thread that already had
 * comments, or a merge of two threads. seq and every path take the new numbers, so each branch
 * stays whole under its parent. Two statements, because (site, thread, seq) is unique at every
 * row: all numbers first go negative, out of the way. Cursors held by readers meanwhile may
 * skip or repeat a comment once; the thread's version changes, so pages are fetched anew.
 */
export async function renumberByDate(trx: Kysely<Database>, siteId: string, threadId: string): Promise<void> {
  await sql`
    update comments set seq = -seq, path = (select array_agg(-p order by i) from unnest(path) with ordinality as u(p, i))
    where site_id = ${siteId} and thread_id = ${threadId}`.execute(trx)
  await sql`
    with renumbered as (
      select seq as was, (row_number() over (order by created_at, seq desc))::int as seq
      from comments where site_id = ${siteId} and thread_id = ${threadId}
    )
    update comments c set seq = r.seq,
      path = (select array_agg(m.seq order by u.i) from unnest(c.path) with ordinality as u(p, i) join renumbered m on m.was = u.p)
    from renumbered r
    where c.site_id = ${siteId} and c.thread_id = ${threadId} and c.seq = r.was`.execute(trx)
  await sql`
    update threads t set last_seq = greatest(t.last_seq, (select coalesce(max(seq), 0) from comments c where c.site_id = t.site_id and c.thread_id = t.id))
    where t.site_id = ${siteId} and t.id = ${threadId}`.execute(trx)
}
