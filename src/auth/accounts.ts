import type { Kysely } from 'kysely'
import type { Database, UserRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { enqueueMail } from '../mail/outbox.ts'
import { alreadyRegisteredMail, confirmAddressMail, noAccountMail, resetPasswordMail } from './account-mails.ts'
import { createEmailToken, findEmailToken, markEmailTokenUsed } from './email-tokens.ts'
import { checkPassword } from './password-rules.ts'
import type { PasswordHasher } from '../deps.ts'
import { needsRehash } from './passwords.ts'
import { secretMatches } from '../http/secret-token.ts'
import { createSession, revokeUserSessions, type Session } from './sessions.ts'
import { displayNameFromEmail, ensureVerifiedUser, findUser, findUserByEmail } from './users.ts'
import { normalizeEmail } from '../http/text.ts'

type AccountDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'passwords'>

/**
 * Verified against when the address is unknown or has no password, so that a wrong address
 * costs the same Argon2id work as a wrong password (same parameters as real hashes).
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$rcpkGTg0955xN+jpGQBuFg$NijYeuAjjrxsbUKDvlZ08/ggj3/ipTzX3Ji8pWn7zM0'

const INVALID_LINK = 'This link has expired or was used already. Ask for a new one from the sign-in page.'

/**
 * Answers the same whoever the address belongs to: a mail goes out either way (a link that
 * makes the account, or one that signs its owner in), and either way one hash is computed.
 */
export async function signUp(
  d: AccountDeps,
  input: { email: string; password: string; displayName?: string },
  /** The hash of a secret the signing-up browser keeps in a cookie (signup-cookie.ts). */
  browserHash?: Uint8Array,
): Promise<void> {
  checkPassword(input.password)
  const email = normalizeEmail(input.email)
  const passwordHash = await d.passwords.hash(input.password)
  const now = d.clock.now()
  await d.db.transaction().execute(async (tx) => {
    const existing = await findUserByEmail(tx, email)
    if (existing) {
      const token = await createEmailToken(
        tx,
        { purpose: 'verify', email, userId: existing.id, passwordHash: existing.password_hash ? null : passwordHash, browserHash },
        now,
      )
      await enqueueMail(tx, alreadyRegisteredMail(d.config.publicUrl, email, token), now)
    } else {
      const displayName = input.displayName ?? displayNameFromEmail(email)
      const token = await createEmailToken(tx, { purpose: 'verify', email, passwordHash, displayName, browserHash }, now)
      await enqueueMail(tx, confirmAddressMail(d.config.publicUrl, email, token), now)
    }
  })
}

/**
 * Follows a verification link: makes or confirms the account and returns it, to be signed in.
 * A link that makes a new account also needs proof that whoever follows it chose the password:
 * otherwise a stranger could sign up with someone's address and wait for its owner to click the
 * mail, then sign in with a password of the stranger's choosing. The signing-up browser's cookie
 * is that proof; elsewhere (the mail opened on a phone), the password typed again is.
 */
export async function verifyEmail(d: AccountDeps, input: { token: string; password?: string }, browserSecret?: string): Promise<UserRow> {
  const now = d.clock.now()
  const row = await findEmailToken(d.db, input.token, 'verify', now)
  if (!row) throw new AppError('invalid_link', INVALID_LINK)
  const sameBrowser = browserSecret !== undefined && row.browser_hash !== null && secretMatches(browserSecret, row.browser_hash)
  if (row.password_hash !== null && !sameBrowser) {
    if (input.password === undefined)
      throw new AppError('password_required', 'Enter the password you chose when you signed up.')
    if (!(await d.passwords.verify(row.password_hash, input.password)))
      throw new AppError('invalid_credentials', 'That is not the password chosen at this sign-up.')
  }
  return d.db.transaction().execute(async (tx) => {
    if (!(await markEmailTokenUsed(tx, row.id, now))) throw new AppError('invalid_link', INVALID_LINK)
    return ensureVerifiedUser(
      tx,
      { email: row.email, displayName: row.display_name ?? displayNameFromEmail(row.email), passwordHash: row.password_hash },
      now,
    )
  })
}

export async function logIn(d: AccountDeps, input: { email: string; password: string }): Promise<UserRow> {
  const user = await findUserByEmail(d.db, input.email)
  const matches = await d.passwords.verify(user?.password_hash ?? DUMMY_HASH, input.password)
  if (!user?.password_hash || !matches) throw new AppError('invalid_credentials', 'Wrong email or password.')
  await upgradeHash(d.db, d.passwords, user.id, user.password_hash, input.password)
  return user
}

async function upgradeHash(db: Kysely<Database>, passwords: PasswordHasher, userId: string, stored: string, password: string) {
  if (!needsRehash(stored)) return
  await db.updateTable('users').set({ password_hash: await passwords.hash(password) }).where('id', '=', userId).execute()
}

/** Ends every session of the account, the caller's too, and opens a new one in its place. */
export async function changePassword(
  d: AccountDeps,
  session: Session,
  input: { currentPassword: string; newPassword: string },
): Promise<{ token: string; session: Session }> {
  checkPassword(input.newPassword)
  const user = await findUser(d.db, session.user_id)
  const matches = await d.passwords.verify(user?.password_hash ?? DUMMY_HASH, input.currentPassword)
  if (!user?.password_hash || !matches) throw new AppError('invalid_credentials', 'Your current password is not right.')
  const hash = await d.passwords.hash(input.newPassword)
  return d.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute()
    await forgetResetLinks(tx, user.id)
    await revokeUserSessions(tx, user.id)
    return createSession(tx, user.id, session.site_id, d.clock.now())
  })
}

/** Mails a reset link to an account's address, or says there is no account to whoever owns it. */
export async function requestPasswordReset(d: AccountDeps, emailInput: string): Promise<void> {
  const email = normalizeEmail(emailInput)
  const now = d.clock.now()
  await d.db.transaction().execute(async (tx) => {
    const user = await findUserByEmail(tx, email)
    // Only the newest link works: mailing one ends those mailed before (by address, so an unknown
    // address costs the same statement as a known one).
    await tx.deleteFrom('email_tokens').where('email', '=', email).where('purpose', '=', 'reset').where('used_at', 'is', null).execute()
    const token = await createEmailToken(tx, { purpose: 'reset', email, userId: user?.id ?? null }, now)
    await enqueueMail(tx, user ? resetPasswordMail(d.config.publicUrl, email, token) : noAccountMail(d.config.publicUrl, email), now)
  })
}

/** Sets a new password from a reset link; every session of the account ends. */
export async function resetPassword(d: AccountDeps, input: { token: string; password: string }): Promise<UserRow> {
  checkPassword(input.password)
  const hash = await d.passwords.hash(input.password)
  const now = d.clock.now()
  const row = await findEmailToken(d.db, input.token, 'reset', now)
  if (!row?.user_id) throw new AppError('invalid_link', INVALID_LINK)
  const userId = row.user_id
  return d.db.transaction().execute(async (tx) => {
    if (!(await markEmailTokenUsed(tx, row.id, now))) throw new AppError('invalid_link', INVALID_LINK)
    const user = await tx
      .updateTable('users')
      .set((eb) => ({ password_hash: hash, email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(now)) }))
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirst()
    if (!user) throw new AppError('invalid_link', INVALID_LINK)
    await forgetResetLinks(tx, user.id)
    await revokeUserSessions(tx, user.id)
    return user
  })
}

/** Once the password has changed, reset links mailed before it must not change it again. */
async function forgetResetLinks(db: Kysely<Database>, userId: string) {
  await db.deleteFrom('email_tokens').where('user_id', '=', userId).where('purpose', '=', 'reset').where('used_at', 'is', null).execute()
}
