import { sql } from 'kysely'
import type { Deps } from '../deps.ts'
import { changeThreads, threadChangedQuietly } from '../threads/thread-changes.ts'

/**
 * A reader shows or hides their profile. Their comments carry the choice (so a thread page needs
 * no other table to link their name), so they change with it, and the pages that show them are
 * read anew: their threads' versions move on, quietly, as for a renamed author.
 */
export async function setProfileVisibility(deps: Pick<Deps, 'db' | 'pages' | 'clock'>, userId: string, isPublic: boolean): Promise<void> {
  await changeThreads(deps, async (trx) => {
    await trx.updateTable('users').set({ profile_public: isPublic }).where('id', '=', userId).execute()
    const touched = await sql<{ site_id: string; key: string }>`
      with changed as (
        update comments set author_profile = ${isPublic}
        where author_user_id = ${userId} and author_profile is distinct from ${isPublic}
        returning site_id, thread_id
      )
      update threads t set version = t.version + 1, updated_at = ${deps.clock.now()}
      from (select distinct site_id, thread_id from changed) g
      where t.site_id = g.site_id and t.id = g.thread_id
      returning t.site_id, t.key`.execute(trx)
    for (const t of touched.rows) threadChangedQuietly(trx, t.site_id, t.key)
  })
}
