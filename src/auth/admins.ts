import type { Kysely } from 'kysely'
import type { Database, UserRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { createEmailToken } from './email-tokens.ts'
import { displayNameFromEmail, findUserByEmail } from './users.ts'
import { normalizeEmail } from '../http/text.ts'

/**
 * Makes an instance admin (the first comes from the CLI): the account for the address, made
 * verified if it is new, and a one-time link to choose its password.
 */
export async function createInstanceAdmin(
  db: Kysely<Database>,
  input: { email: string; name?: string },
  now: Date,
): Promise<{ user: UserRow; passwordToken: string }> {
  const email = normalizeEmail(input.email)
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new AppError('invalid_request', `"${input.email}" is not an email address.`)
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('users')
      .values({ email, email_verified_at: now, display_name: input.name ?? displayNameFromEmail(email), is_instance_admin: true })
      .onConflict((oc) => oc.column('email').doUpdateSet({ is_instance_admin: true }))
      .execute()
    const user = (await findUserByEmail(tx, email)) as UserRow
    const passwordToken = await createEmailToken(tx, { purpose: 'reset', email, userId: user.id }, now)
    return { user, passwordToken }
  })
}
