import type { Kysely } from 'kysely'
import type { Database, EmailTokenPurpose, EmailTokenRow } from '../db/schema.ts'
import { newSecretToken, parseSecretToken, secretMatches } from '../http/secret-token.ts'

const HOUR = 60 * 60 * 1000
/** A verification link lasts a day; a reset link an hour. Both work once. */
export const EMAIL_TOKEN_LIFETIME_MS: Record<EmailTokenPurpose, number> = { verify: 24 * HOUR, reset: HOUR }

export interface EmailTokenFor {
  purpose: EmailTokenPurpose
  email: string
  userId?: string | null
  passwordHash?: string | null
  displayName?: string | null
  /** The hash of the signing-up browser's cookie secret. */
  browserHash?: Uint8Array | null
}

export async function createEmailToken(db: Kysely<Database>, t: EmailTokenFor, now: Date): Promise<string> {
  const secret = newSecretToken()
  await db
    .insertInto('email_tokens')
    .values({
      id: secret.id,
      secret_hash: secret.secretHash,
      purpose: t.purpose,
      email: t.email,
      user_id: t.userId ?? null,
      password_hash: t.passwordHash ?? null,
      display_name: t.displayName ?? null,
      browser_hash: t.browserHash ?? null,
      created_at: now,
      expires_at: new Date(now.getTime() + EMAIL_TOKEN_LIFETIME_MS[t.purpose]),
    })
    .execute()
  return secret.token
}

/** The live row a link's token names; undefined for an unknown, tampered, expired or used one. */
export async function findEmailToken(
  db: Kysely<Database>,
  token: string,
  purpose: EmailTokenPurpose,
  now: Date,
): Promise<EmailTokenRow | undefined> {
  const parts = parseSecretToken(token)
  if (!parts) return undefined
  const row = await db
    .selectFrom('email_tokens')
    .selectAll()
    .where('id', '=', parts.id)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return row && secretMatches(parts.secret, row.secret_hash) ? row : undefined
}

/** Uses a token up; a conditional update, so of two clicks at once only one succeeds. */
export async function markEmailTokenUsed(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const used = await db
    .updateTable('email_tokens')
    .set({ used_at: now, password_hash: null })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(used.numUpdatedRows) === 1
}

export async function deleteExpiredEmailTokens(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('email_tokens').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
