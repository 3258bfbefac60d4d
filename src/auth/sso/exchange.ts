import type { SiteRow, UserRow } from '../../db/schema.ts'
import type { Deps } from '../../deps.ts'
import { AppError } from '../../http/errors.ts'
import { createSession, type Session } from '../sessions.ts'
import { verifyHostToken } from './verify-token.ts'

/**
 * A host site's token for its signed-in user, exchanged for an Engawa session on that site.
 * The account it signs in to belongs to the site's own user base (identity `sso:<site>`), never
 * linked to another account by email: a site cannot vouch for addresses on Engawa's behalf.
 * Used once: its nonce is kept until the token would have expired.
 */
export async function exchangeHostToken(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  site: SiteRow,
  token: string,
): Promise<{ token: string; session: Session; user: UserRow }> {
  if (!site.sso_secret) throw new AppError('sso_not_enabled', 'This site does not sign its readers in with its own accounts.')
  const now = clock.now()
  const host = await verifyHostToken(token, site.sso_secret, site.id, now)
  const provider = `sso:${site.id}`
  return db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto('sso_nonces')
      .values({ site_id: site.id, nonce: host.nonce, expires_at: host.expiresAt })
      .onConflict((oc) => oc.doNothing())
      .returning('nonce')
      .executeTakeFirst()
    if (!fresh) throw new AppError('sso_token_used', 'This sign-in token was already used: the page must ask its server for a fresh one.')
    const identity = await trx.selectFrom('oauth_identities').select('user_id').where('provider', '=', provider).where('subject', '=', host.id).executeTakeFirst()
    let user: UserRow
    if (identity) {
      user = await trx.updateTable('users').set({ display_name: host.name }).where('id', '=', identity.user_id).returningAll().executeTakeFirstOrThrow()
    } else {
      user = await trx.insertInto('users').values({ email: null, email_verified_at: null, display_name: host.name, password_hash: null }).returningAll().executeTakeFirstOrThrow()
      await trx.insertInto('oauth_identities').values({ provider, subject: host.id, user_id: user.id, email: null, created_at: now }).execute()
    }
    const session = await createSession(trx, user.id, site.id, now)
    return { ...session, user }
  })
}

export async function deleteExpiredNonces(db: Deps['db'], now: Date): Promise<number> {
  const result = await db.deleteFrom('sso_nonces').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
