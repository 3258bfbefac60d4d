import type { Kysely } from 'kysely'
import { recordAction } from '../audit/audit-log.ts'
import type { Database } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'

/** A reader's bio on a site. A new bio is the reader's own again: a moderator hides it anew if it needs hiding. */
export async function writeBio(db: Kysely<Database>, siteId: string, userId: string, bio: string, now: Date): Promise<void> {
  await db
    .insertInto('reader_profiles')
    .values({ site_id: siteId, user_id: userId, bio, bio_hidden_at: null, updated_at: now })
    .onConflict((oc) => oc.columns(['site_id', 'user_id']).doUpdateSet({ bio, bio_hidden_at: null, updated_at: now }))
    .execute()
}

/** A moderator hides a bio from everyone but its reader and the moderators (or shows it again), with its audit entry. */
export async function moderateBio(
  db: Kysely<Database>,
  change: { siteId: string; userId: string; actorUserId: string; hidden: boolean; reason: string | null },
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('reader_profiles')
      .set({ bio_hidden_at: change.hidden ? now : null })
      .where('site_id', '=', change.siteId)
      .where('user_id', '=', change.userId)
      .where('bio', '!=', '')
      .returning('user_id')
      .executeTakeFirst()
    if (!changed) throw new AppError('profile_not_found', 'That reader has no bio on this site.')
    const action = change.hidden ? 'hide-bio' : 'show-bio'
    await recordAction(trx, { siteId: change.siteId, actorUserId: change.actorUserId, action, targetKind: 'author', targetId: `user:${change.userId}`, reason: change.reason }, now)
  })
}
