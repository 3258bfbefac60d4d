import type { Kysely } from 'kysely'
import type { Database, ModerationActionsTable } from '../db/schema.ts'

// The audit log of a site: who did what to which comment, author, thread or setting, when and
// why. Every action that changes what readers see or what a site allows writes its entry in the
// same transaction as the change; moderators and owners read it back.

/** Writes one entry, in the caller's transaction. */
export async function recordAction(
  trx: Kysely<Database>,
  entry: { siteId: string; actorUserId: string | null; byOperator?: boolean; action: string; targetKind: ModerationActionsTable['target_kind']; targetId: string; reason: string | null },
  now: Date,
): Promise<void> {
  await trx
    .insertInto('moderation_actions')
    .values({
      site_id: entry.siteId,
      actor_user_id: entry.actorUserId,
      by_operator: entry.byOperator ?? false,
      action: entry.action,
      target_kind: entry.targetKind,
      target_id: entry.targetId,
      reason: entry.reason,
      created_at: now,
    })
    .execute()
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
