import type { Kysely } from 'kysely'
import type { Database, SiteRole, UserRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { normalizeEmail } from '../http/text.ts'

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

/** Gives an account a role on a site (or changes it). */
export async function setSiteRole(db: Kysely<Database>, siteId: string, email: string, role: SiteRole): Promise<UserRow> {
  const user = await db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst()
  if (!user) throw new AppError('not_found', `No account uses ${email}. Ask them to sign up first, or invite them.`)
  await db
    .insertInto('site_members')
    .values({ site_id: siteId, user_id: user.id, role })
    .onConflict((oc) => oc.columns(['site_id', 'user_id']).doUpdateSet({ role }))
    .execute()
  return user
}
