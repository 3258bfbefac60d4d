import type { Kysely } from 'kysely'
import type { Database, UserRow } from '../db/schema.ts'
import { normalizeEmail } from '../http/text.ts'

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst()
}

export function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The account for a confirmed address: made now, or the one that already holds it. */
export async function ensureVerifiedUser(
  db: Kysely<Database>,
  u: { email: string; displayName: string; passwordHash: string | null },
  now: Date,
): Promise<UserRow> {
  const email = normalizeEmail(u.email)
  await db
    .insertInto('users')
    .values({ email, email_verified_at: now, display_name: u.displayName, password_hash: u.passwordHash })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute()
  const user = await db
    .updateTable('users')
    .set((eb) => ({
      email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(now)),
      password_hash: eb.fn.coalesce('password_hash', eb.val(u.passwordHash)),
    }))
    .where('email', '=', email)
    .returningAll()
    .executeTakeFirstOrThrow()
  return user
}

export function displayNameFromEmail(email: string): string {
  return (email.split('@')[0] ?? 'reader').slice(0, 50) || 'reader'
}
