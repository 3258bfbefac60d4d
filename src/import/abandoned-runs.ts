import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/** A run that has saved no progress for this long died with its process (progress is saved at least every minute). */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000

export const ABANDONED_MESSAGE = 'The import stopped with its server. Import the file again: what was written is kept, and nothing is added twice.'

/**
 * Runs whose process died stay "running" with their staged records: maintenance marks them
 * failed and clears those records (a finished run clears its own). Returns how many it ended.
 */
export async function endAbandonedRuns(db: Kysely<Database>, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - ABANDONED_AFTER_MS)
  const ended = await db
    .updateTable('imports')
    .set({ status: 'failed', phase: 'finished', error: ABANDONED_MESSAGE, finished_at: now })
    .where('status', '=', 'running')
    .where('updated_at', '<', cutoff)
    .returning(['site_id', 'id'])
    .execute()
  for (const run of ended) await db.deleteFrom('import_items').where('site_id', '=', run.site_id).where('import_id', '=', run.id).execute()
  return ended.length
}
