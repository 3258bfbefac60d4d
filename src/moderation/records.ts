import type { Kysely } from 'kysely'
import type { Database, SiteRole } from '../db/schema.ts'

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

export interface AuditEntry {
  action: string
  actor: string | null
  byOperator: boolean
  targetKind: string
  targetId: string
  reason: string | null
  at: Date
}

/** The latest 200 audit entries, newest first, with the acting account's name. */
export async function readAuditLog(db: Kysely<Database>, siteId: string): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('moderation_actions as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.action', 'a.by_operator', 'u.display_name', 'a.target_kind', 'a.target_id', 'a.reason', 'a.created_at'])
    .where('a.site_id', '=', siteId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(200)
    .execute()
  return rows.map((r) => ({ action: r.action, actor: r.display_name, byOperator: r.by_operator, targetKind: r.target_kind, targetId: r.target_id, reason: r.reason, at: r.created_at }))
}

export interface Member {
  userId: string
  displayName: string
  email: string | null
  role: SiteRole
}

export interface Invitation {
  id: string
  email: string
  role: SiteRole
  expiresAt: Date
}

/** Owners and moderators, and invitations not yet accepted. */
export async function listMembers(db: Kysely<Database>, siteId: string, now: Date): Promise<{ members: Member[]; invitations: Invitation[] }> {
  const members = await db
    .selectFrom('site_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id as userId', 'u.display_name as displayName', 'u.email', 'm.role'])
    .where('m.site_id', '=', siteId)
    .orderBy('m.created_at')
    .execute()
  const invitations = await db
    .selectFrom('site_invitations')
    .select(['id', 'email', 'role', 'expires_at'])
    .where('site_id', '=', siteId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute()
  return { members, invitations: invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expires_at })) }
}

/** Whether a member asked for mail when something enters the queue; undefined for a non-member. */
export async function findQueueNotification(db: Kysely<Database>, siteId: string, userId: string): Promise<boolean | undefined> {
  const row = await db.selectFrom('site_members').select('notify_queue').where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst()
  return row?.notify_queue
}
