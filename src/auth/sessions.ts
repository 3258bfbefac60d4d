import type { Kysely } from 'kysely'
import type { Database, SessionRow } from '../db/schema.ts'
import { newSecretToken, parseSecretToken, secretMatches } from '../http/secret-token.ts'

const DAY = 24 * 60 * 60 * 1000
/** A session lives this long after its last renewal… */
export const SESSION_LIFETIME_MS = 30 * DAY
/** …and is renewed when used with less than this left, so a busy reader writes once a fortnight. */
const RENEW_WHEN_LEFT_MS = 15 * DAY

export interface Session extends SessionRow {}

/** Opens a session; the token is shown to the client once and never stored. */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  siteId: string | null,
  now: Date,
): Promise<{ token: string; session: Session }> {
  const t = newSecretToken()
  const session = await db
    .insertInto('sessions')
    .values({
      id: t.id,
      secret_hash: t.secretHash,
      user_id: userId,
      site_id: siteId,
      created_at: now,
      expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS),
      last_used_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { token: t.token, session }
}

/** The live session a token names, renewed when it is getting old; undefined for anything else. */
export async function validateSessionToken(db: Kysely<Database>, token: string, now: Date): Promise<Session | undefined> {
  const parts = parseSecretToken(token)
  if (!parts) return undefined
  const session = await db.selectFrom('sessions').selectAll().where('id', '=', parts.id).executeTakeFirst()
  if (!session || !secretMatches(parts.secret, session.secret_hash)) return undefined
  if (session.expires_at.getTime() <= now.getTime()) {
    await db.deleteFrom('sessions').where('id', '=', session.id).execute()
    return undefined
  }
  if (session.expires_at.getTime() - now.getTime() < RENEW_WHEN_LEFT_MS) {
    const expires = new Date(now.getTime() + SESSION_LIFETIME_MS)
    await db.updateTable('sessions').set({ expires_at: expires, last_used_at: now }).where('id', '=', session.id).execute()
    return { ...session, expires_at: expires, last_used_at: now }
  }
  return session
}

export async function revokeSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}

/** "Sign out everywhere", and what a password change does; `keep` spares the caller's own session. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, keep?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keep) query = query.where('id', '!=', keep)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
