import type { Kysely } from 'kysely'
import { checkPassword } from '../auth/password-rules.ts'
import type { Database, UserRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { hashSecret, randomString, secretMatches } from '../http/secret-token.ts'
import { normalizeEmail } from '../http/text.ts'

/** 32 letters of a 32-letter alphabet: 160 bits, out of reach of guessing. */
const SECRET_LENGTH = 32

export async function hasInstanceAdmin(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('is_instance_admin', '=', true).limit(1).executeTakeFirst()) !== undefined
}

/**
 * While no instance admin exists, a new setup secret for this start's log line; undefined once
 * one does. Only its hash is kept; every link stays valid until any of them is used.
 */
export async function openSetup(db: Kysely<Database>, now: Date): Promise<string | undefined> {
  if (await hasInstanceAdmin(db)) return undefined
  const secret = randomString(SECRET_LENGTH)
  await db.insertInto('setup_secrets').values({ secret_hash: hashSecret(secret), created_at: now }).execute()
  return secret
}

/** The route is gone once an admin exists, whatever is asked of it. */
export async function requireSetupWaiting(db: Kysely<Database>): Promise<void> {
  if (await hasInstanceAdmin(db)) throw new AppError('not_found', 'Setup is done: sign in at /admin.')
}

/**
 * Makes the first instance admin, signed in, from a setup link's secret. The secrets are taken in
 * the same transaction that makes the account, so of two tabs sending the form at once one wins.
 */
export async function completeSetup(
  deps: Pick<Deps, 'db' | 'clock' | 'passwords'>,
  input: { secret: string; email: string; name: string; password: string },
): Promise<UserRow> {
  await requireSetupWaiting(deps.db)
  checkPassword(input.password)
  const email = normalizeEmail(input.email)
  const passwordHash = await deps.passwords.hash(input.password)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (tx) => {
    const secrets = await tx.deleteFrom('setup_secrets').returning('secret_hash').execute()
    if (!secrets.some((s) => secretMatches(input.secret, s.secret_hash))) {
      if (await hasInstanceAdmin(tx)) throw new AppError('not_found', 'Setup is done: sign in at /admin.')
      // No link was ever made: a runtime without a start log (Workers) or a database set up by hand.
      if (secrets.length === 0)
        throw new AppError(
          'invalid_link',
          'No setup link exists yet: start the server with npm start, whose log prints one, or make the admin with: npm run engawa -- admin create --email EMAIL',
        )
      throw new AppError('invalid_link', 'This setup link is not the one in the server’s log: copy the whole link from the latest start.')
    }
    if (await hasInstanceAdmin(tx)) throw new AppError('not_found', 'Setup is done: sign in at /admin.')
    const taken = await tx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
    if (taken)
      throw new AppError(
        'conflict',
        `${email} already has an account here. Use another address, or make that account an admin with: npm run engawa -- admin create --email ${email}`,
      )
    return tx
      .insertInto('users')
      .values({ email, email_verified_at: now, display_name: input.name, password_hash: passwordHash, is_instance_admin: true })
      .returningAll()
      .executeTakeFirstOrThrow()
  })
}
