import type { Kysely } from 'kysely'
import type { Database, UserRow } from '../../db/schema.ts'
import { displayNameFromEmail, findUser, findUserByEmail } from '../users.ts'
import { normalizeEmail, cleanName } from '../../http/text.ts'
import type { ExternalIdentity } from './provider.ts'

/**
 * The account an external sign-in opens: the one already linked to it; else the account with
 * the same address, but only when the provider vouches that the address is verified; else a
 * new account. An unverified address never takes over an existing account, and a new account
 * made with one does not claim the address.
 */
export async function accountForIdentity(
  db: Kysely<Database>,
  provider: string,
  identity: ExternalIdentity,
  now: Date,
): Promise<UserRow> {
  return db.transaction().execute(async (tx) => {
    const linked = await tx
      .selectFrom('oauth_identities')
      .select('user_id')
      .where('provider', '=', provider)
      .where('subject', '=', identity.subject)
      .executeTakeFirst()
    if (linked) return (await findUser(tx, linked.user_id)) as UserRow
    const email = identity.email ? normalizeEmail(identity.email) : null
    // Only an address the provider verified joins an existing account. An unverified one never
    // looks for its holder: it makes a new account either way, so the answer is the same whether
    // an account here uses the address or not (and nobody takes an account by claiming its address).
    const holder = email && identity.emailVerified ? await findUserByEmail(tx, email) : undefined
    const name = cleanName(identity.name ?? '', 50) || (email ? displayNameFromEmail(email) : 'reader')
    const user =
      holder ??
      (await tx
        .insertInto('users')
        .values({
          email: identity.emailVerified ? email : null,
          email_verified_at: identity.emailVerified && email ? now : null,
          display_name: name,
        })
        .returningAll()
        .executeTakeFirstOrThrow())
    await tx
      .insertInto('oauth_identities')
      .values({ provider, subject: identity.subject, user_id: user.id, email, created_at: now })
      .execute()
    return user
  })
}
