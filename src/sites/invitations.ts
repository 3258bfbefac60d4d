import { sql, type Kysely } from 'kysely'
import type { Database, SiteRole, SiteRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { enqueueMail } from '../mail/outbox.ts'
import { newSecretToken, parseSecretToken, secretMatches } from '../http/secret-token.ts'
import { normalizeEmail } from '../http/text.ts'

/** Like a verification link (ASVS: a day at most); the owner can send another. */
const INVITATION_LIFETIME_MS = 24 * 60 * 60 * 1000

/** An owner asks someone, by address, to help run a site; the mail carries a one-time link. */
export async function inviteMember(
  db: Kysely<Database>,
  publicUrl: string,
  input: { site: SiteRow; email: string; role: SiteRole; invitedBy: string; inviterName: string },
  now: Date,
): Promise<{ id: string }> {
  const email = normalizeEmail(input.email)
  const secret = newSecretToken()
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('site_invitations')
      .values({
        id: secret.id,
        secret_hash: secret.secretHash,
        site_id: input.site.id,
        email,
        role: input.role,
        invited_by: input.invitedBy,
        created_at: now,
        expires_at: new Date(now.getTime() + INVITATION_LIFETIME_MS),
      })
      .execute()
    await enqueueMail(
      tx,
      {
        to: email,
        subject: `Help moderate ${input.site.name.replace(/[\u0000-\u001f\u007f]+/g, ' ')} on Engawa`,
        text: [
          `${input.inviterName} invites you to be ${input.role === 'owner' ? 'an owner' : 'a moderator'} of the comments on ${input.site.name}.`,
          '',
          `Sign in to Engawa with this address (${email}), then open this link within 24 hours:`,
          `${publicUrl}/auth/confirm#invite=${secret.token}`,
        ].join('\n'),
      },
      now,
    )
  })
  return { id: secret.id }
}

/** Takes an invitation up for the signed-in account, which must hold the invited, verified address. */
export async function acceptInvitation(
  db: Kysely<Database>,
  token: string,
  user: { id: string; email: string | null; email_verified_at: Date | null },
  now: Date,
): Promise<{ siteId: string; role: SiteRole }> {
  const parts = parseSecretToken(token)
  const row = parts && (await db.selectFrom('site_invitations').selectAll().where('id', '=', parts.id).executeTakeFirst())
  if (!parts || !row || !secretMatches(parts.secret, row.secret_hash) || row.accepted_at || row.expires_at <= now)
    throw new AppError('invalid_link', 'This invitation has expired or was used already. Ask for a new one.')
  if (!user.email_verified_at || user.email !== row.email)
    throw new AppError('forbidden', `This invitation is for ${row.email}. Sign in with that address to accept it.`)
  let role: SiteRole = row.role
  await db.transaction().execute(async (tx) => {
    const taken = await tx
      .updateTable('site_invitations')
      .set({ accepted_at: now })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst()
    if (Number(taken.numUpdatedRows) !== 1) throw new AppError('invalid_link', 'This invitation was used already.')
    // An invitation only ever raises a role: an owner who accepts a moderator's invitation stays owner.
    const kept = await tx
      .insertInto('site_members')
      .values({ site_id: row.site_id, user_id: user.id, role: row.role })
      .onConflict((oc) =>
        oc.columns(['site_id', 'user_id']).doUpdateSet({
          role: sql<SiteRole>`case when excluded.role = 'owner' then 'owner' else site_members.role end`,
        }),
      )
      .returning('role')
      .executeTakeFirstOrThrow()
    role = kept.role
  })
  return { siteId: row.site_id, role }
}
