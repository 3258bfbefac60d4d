import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

// What moderators read about a site, for the JSON API and the dashboard alike. Each filters by
// site_id first.

export interface BanEntry {
  id: string
  author: string
  name: string
  reason: string | null
  bannedBy: string | null
  since: Date
  until: Date | null
}

/** Bans in force, newest first. */
export async function listBans(db: Kysely<Database>, siteId: string, now: Date): Promise<BanEntry[]> {
  const rows = await db
    .selectFrom('bans as b')
    .leftJoin('users as u', 'u.id', 'b.created_by')
    .select(['b.id', 'b.author', 'b.author_name', 'b.reason', 'u.display_name', 'b.created_at', 'b.expires_at'])
    .where('b.site_id', '=', siteId)
    .where('b.lifted_at', 'is', null)
    .where((eb) => eb.or([eb('b.expires_at', 'is', null), eb('b.expires_at', '>', now)]))
    .orderBy('b.created_at', 'desc')
    .limit(500)
    .execute()
  return rows.map((b) => ({ id: b.id, author: b.author, name: b.author_name, reason: b.reason, bannedBy: b.display_name, since: b.created_at, until: b.expires_at }))
}

/** Whether a member asked for mail when something enters the queue; undefined for a non-member. */
export async function findQueueNotification(db: Kysely<Database>, siteId: string, userId: string): Promise<boolean | undefined> {
  const row = await db.selectFrom('site_members').select('notify_queue').where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst()
  return row?.notify_queue
}
