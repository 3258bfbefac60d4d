import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

const BATCH = 5000

/**
 * Renumbers a thread's comments in date order, as if each had been posted when it says it
 * was: "oldest first" then reads by date after an import into a thread that already had
 * comments, or a merge of two threads. seq and every path take the new numbers, so each branch
 * stays whole under its parent. The new numbers are worked out here, from the thread's outline
 * (ids, numbers, paths and dates), and only comments whose numbers change are written: first
 * to negatives, out of the way, because (site, thread, seq) is unique at every row, then to
 * their places. Readers' cursors meanwhile may skip or repeat a comment once; the thread's
 * version changes, so pages are fetched anew.
 */
export async function renumberByDate(trx: Kysely<Database>, siteId: string, threadId: string): Promise<void> {
  const rows = await trx
    .selectFrom('comments')
    .select(['id', 'seq', 'path'])
    .where('site_id', '=', siteId)
    .where('thread_id', '=', threadId)
    .orderBy('created_at')
    .orderBy('seq')
    .execute()
  const seqOf = new Map(rows.map((r, i) => [r.seq, i + 1]))
  const changed = rows.flatMap((r, i) => {
    const path = r.path.map((p) => {
      const seq = seqOf.get(p)
      if (seq === undefined) throw new Error(`comment ${r.id} has an ancestor ${p} that is not in its thread`)
      return seq
    })
    return r.seq === i + 1 && path.every((p, k) => p === r.path[k]) ? [] : [{ id: r.id, seq: i + 1, path }]
  })
  for (const final of [false, true])
    for (let i = 0; i < changed.length; i += BATCH) {
      const batch = changed.slice(i, i + BATCH).map((c) => (final ? c : { id: c.id, seq: -c.seq, path: c.path.map((p) => -p) }))
      await sql`
        update comments c set seq = r.seq, path = r.path
        from json_to_recordset(${JSON.stringify(batch)}::json) as r(id uuid, seq int, path int[])
        where c.site_id = ${siteId} and c.id = r.id`.execute(trx)
    }
  await sql`
    update threads set last_seq = greatest(last_seq, ${rows.length}::int)
    where site_id = ${siteId} and id = ${threadId}`.execute(trx)
}

/**
 * Locks the comments of threads about to be renumbered, before their thread rows are: posts and
 * deletes lock a comment and then its thread, so a renumbering that held the thread and then
 * waited on a comment could deadlock with them. Taken in id order, as two renumberings would.
 */
export async function lockCommentsOf(trx: Kysely<Database>, siteId: string, threads: { ids?: string[]; keys?: string[] }): Promise<void> {
  const ids = threads.ids ?? []
  const keys = threads.keys ?? []
  if (ids.length === 0 && keys.length === 0) return
  await sql`
    select c.id from comments c
    where c.site_id = ${siteId} and c.thread_id in (
      select t.id from threads t where t.site_id = ${siteId} and (t.id = any(${ids}::uuid[]) or t.key = any(${keys}::text[])))
    order by c.id
    for update of c`.execute(trx)
}
