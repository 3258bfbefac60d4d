import { generateCodeVerifier, generateState } from 'arctic'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { hashSecret, randomString } from '../../http/secret-token.ts'
import type { SignInAttempt } from './provider.ts'

const ATTEMPT_LIFETIME_MS = 10 * 60 * 1000

/** Remembers a sign-in in progress: its state (stored hashed), PKCE verifier, nonce and where to go after. */
export async function startAttempt(
  db: Kysely<Database>,
  provider: string,
  returnTo: string,
  now: Date,
): Promise<SignInAttempt> {
  const attempt = { state: generateState(), codeVerifier: generateCodeVerifier(), nonce: randomString() }
  await db
    .insertInto('oauth_attempts')
    .values({
      state_hash: hashSecret(attempt.state),
      provider,
      code_verifier: attempt.codeVerifier,
      nonce: attempt.nonce,
      return_to: returnTo,
      expires_at: new Date(now.getTime() + ATTEMPT_LIFETIME_MS),
    })
    .execute()
  return attempt
}

/** Takes the attempt a callback's state names, once: a replayed callback finds nothing. */
export async function takeAttempt(
  db: Kysely<Database>,
  provider: string,
  state: string,
  now: Date,
): Promise<(SignInAttempt & { returnTo: string }) | undefined> {
  const row = await db
    .deleteFrom('oauth_attempts')
    .where('state_hash', '=', hashSecret(state))
    .where('provider', '=', provider)
    .returningAll()
    .executeTakeFirst()
  if (!row || row.expires_at.getTime() <= now.getTime()) return undefined
  return { state, codeVerifier: row.code_verifier, nonce: row.nonce, returnTo: row.return_to }
}

export async function deleteExpiredAttempts(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('oauth_attempts').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
