import type { Kysely } from 'kysely'
import { newSecretToken, parseSecretToken, secretMatches } from '../http/secret-token.ts'
import type { Database, MailLocale } from '../db/schema.ts'
import { enqueueMail } from '../mail/outbox.ts'
import { confirmSubscriptionMail } from './mails.ts'

// Who gets reader notifications on a site, and what they follow. A guest's address is only a
// claim: it gets confirmation mails, never news, until someone with access to it presses a
// confirmation button. So nobody can subscribe a stranger to mail. A confirmation trusts the
// browser that asked for it (its key): that browser's later follows count at once, anyone
// else's wait for a confirmation of their own. Each browser gets its own mail, so the owner of
// an address never has only a stranger's link to press; to keep that from flooding anyone, a
// key gets at most one mail a day and an address at most three.

const DAY_MS = 24 * 60 * 60_000
const CONFIRMATIONS_PER_KEY_PER_DAY = 1
const CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3

/** A guest presents the key an earlier opt-in from their browser returned, if any. */
export type Who = { userId: string } | { email: string; key?: string }

/**
 * `on`: mail will come. `confirm`: it waits for the address's owner to press the link mailed
 * for this browser. `wait`: the address had its confirmation mails for the day; ask again
 * tomorrow. `key`: the guest browser's key, to keep.
 */
export interface Subscribed {
  state: 'on' | 'confirm' | 'wait'
  key?: string
}
export type LinkPurpose = 'confirm' | 'unsubscribe'

/** The recipient row for an account or address on a site, made on first use; remembers the latest language. */
export async function ensureRecipient(db: Kysely<Database>, siteId: string, who: Who, locale: MailLocale, now: Date) {
  const isAccount = 'userId' in who
  await db
    .insertInto('notify_recipients')
    .values({
      site_id: siteId,
      user_id: isAccount ? who.userId : null,
      email: isAccount ? null : who.email,
      locale,
      // An account's address was verified when it was made.
      confirmed_at: isAccount ? now : null,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute()
  return db
    .updateTable('notify_recipients')
    .set({ locale })
    .where('site_id', '=', siteId)
    .where(isAccount ? 'user_id' : 'email', '=', isAccount ? who.userId : who.email)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** The guest browser's key for this recipient: the one presented if it is theirs, else a new one. */
async function keyFor(db: Kysely<Database>, siteId: string, recipientId: string, presented: string | undefined, now: Date) {
  const parts = presented === undefined ? undefined : parseSecretToken(presented)
  if (parts) {
    const row = await db
      .selectFrom('notify_keys')
      .select(['id', 'secret_hash', 'trusted_at'])
      .where('site_id', '=', siteId)
      .where('id', '=', parts.id)
      .where('recipient_id', '=', recipientId)
      .executeTakeFirst()
    if (row && secretMatches(parts.secret, row.secret_hash)) {
      await db.updateTable('notify_keys').set({ used_at: now }).where('site_id', '=', siteId).where('id', '=', row.id).execute()
      return { id: row.id, trusted: row.trusted_at !== null, token: presented as string }
    }
  }
  const fresh = newSecretToken()
  await db
    .insertInto('notify_keys')
    .values({ site_id: siteId, id: fresh.id, secret_hash: fresh.secretHash, recipient_id: recipientId, created_at: now, used_at: now })
    .execute()
  return { id: fresh.id, trusted: false, token: fresh.token }
}

/**
 * Follows a thread, or the replies to one comment. An account's follow counts at once. A
 * guest's counts at once only from a browser whose key a confirmation trusted; otherwise it
 * waits for that key's confirmation, and the address gets the confirmation mail.
 */
export async function subscribe(
  db: Kysely<Database>,
  publicUrl: string,
  target: { siteId: string; threadId: string } | { siteId: string; commentId: string },
  who: Who,
  locale: MailLocale,
  now: Date,
): Promise<Subscribed> {
  const recipient = await ensureRecipient(db, target.siteId, who, locale, now)
  const key = 'email' in who ? await keyFor(db, target.siteId, recipient.id, who.key, now) : undefined
  const counts = key === undefined || (key.trusted && recipient.confirmed_at !== null)
  const what = 'threadId' in target ? ({ thread_id: target.threadId, comment_id: null } as const) : ({ thread_id: null, comment_id: target.commentId } as const)
  await db
    .insertInto('notify_subscriptions')
    .values({ site_id: target.siteId, recipient_id: recipient.id, ...what, pending_key: counts ? null : key.id, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute()
  if (counts) {
    // The same follow, asked before by a browser still unconfirmed, counts now.
    await db
      .updateTable('notify_subscriptions')
      .set({ pending_key: null })
      .where('site_id', '=', target.siteId)
      .where('recipient_id', '=', recipient.id)
      .where(what.thread_id ? 'thread_id' : 'comment_id', '=', what.thread_id ?? what.comment_id)
      .where('pending_key', 'is not', null)
      .execute()
    return { state: 'on', ...(key ? { key: key.token } : {}) }
  }
  const sentToday = await db
    .selectFrom('notify_tokens')
    .select([(eb) => eb.fn.countAll<string>().as('address'), (eb) => eb.fn.count<string>('key_id').filterWhere('key_id', '=', key.id).as('key')])
    .where('site_id', '=', target.siteId)
    .where('recipient_id', '=', recipient.id)
    .where('purpose', '=', 'confirm')
    .where('created_at', '>', new Date(now.getTime() - DAY_MS))
    .executeTakeFirstOrThrow()
  if (Number(sentToday.key) >= CONFIRMATIONS_PER_KEY_PER_DAY) return { state: 'confirm', key: key.token }
  if (Number(sentToday.address) >= CONFIRMATIONS_PER_ADDRESS_PER_DAY || !recipient.email) return { state: 'wait', key: key.token }
  const about = await db
    .selectFrom('threads as t')
    .innerJoin('sites as s', 's.id', 't.site_id')
    .select(['s.name', 't.title', 't.url'])
    .where('t.site_id', '=', target.siteId)
    .where('t.id', '=', 'threadId' in target ? target.threadId : (eb) => eb.selectFrom('comments').select('thread_id').where('site_id', '=', target.siteId).where('id', '=', target.commentId))
    .executeTakeFirstOrThrow()
  const link = await mintLink(db, publicUrl, target.siteId, recipient.id, 'confirm', now, key.id)
  await enqueueMail(db, confirmSubscriptionMail(recipient.locale, recipient.email, about.name, about, link, target.siteId), now)
  return { state: 'confirm', key: key.token }
}

/** A link to the confirm or unsubscribe page, with a fresh token stored only as its hash; a confirmation names the key it trusts. */
export async function mintLink(db: Kysely<Database>, publicUrl: string, siteId: string, recipientId: string, purpose: LinkPurpose, now: Date, keyId: string | null = null): Promise<string> {
  const token = newSecretToken()
  await db
    .insertInto('notify_tokens')
    .values({ site_id: siteId, id: token.id, secret_hash: token.secretHash, recipient_id: recipientId, purpose, key_id: keyId, created_at: now })
    .execute()
  return `${publicUrl}/api/v1/notifications/${purpose}?${new URLSearchParams({ site: siteId, token: token.token })}`
}

/** The recipient a link's token names, or undefined when the token is not a live one of that purpose. */
export async function findByToken(db: Kysely<Database>, siteId: string, token: string, purpose: LinkPurpose) {
  const parts = parseSecretToken(token)
  if (!parts) return undefined
  const row = await db
    .selectFrom('notify_tokens as t')
    .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 't.site_id').onRef('r.id', '=', 't.recipient_id'))
    .select(['t.id as token_id', 't.secret_hash', 't.key_id', 'r.id', 'r.user_id', 'r.email', 'r.locale'])
    .where('t.site_id', '=', siteId)
    .where('t.id', '=', parts.id)
    .where('t.purpose', '=', purpose)
    .executeTakeFirst()
  return row && secretMatches(parts.secret, row.secret_hash) ? row : undefined
}

/**
 * Confirms a guest's address and trusts the browser key the link was sent for: from now on,
 * news of what that browser asked for is mailed. (Links from before keys existed name none.)
 */
export async function confirmRecipient(db: Kysely<Database>, siteId: string, recipient: { id: string; key_id: string | null; token_id: string }, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // A confirmation link works once: kept, it would confirm again whatever happened since.
    await trx.deleteFrom('notify_tokens').where('site_id', '=', siteId).where('id', '=', recipient.token_id).execute()
    await trx
      .updateTable('notify_recipients')
      .set({ confirmed_at: now })
      .where('site_id', '=', siteId)
      .where('id', '=', recipient.id)
      .where('confirmed_at', 'is', null)
      .execute()
    if (recipient.key_id === null) return
    await trx.updateTable('notify_keys').set({ trusted_at: now }).where('site_id', '=', siteId).where('id', '=', recipient.key_id).where('trusted_at', 'is', null).execute()
    await trx.updateTable('notify_subscriptions').set({ pending_key: null }).where('site_id', '=', siteId).where('pending_key', '=', recipient.key_id).execute()
  })
}

/**
 * Stops all reader mail from this site to the recipient: their follows, pending news and
 * links go; an account's "email me replies" setting is turned off too, since it is what
 * mails them.
 */
export async function unsubscribeRecipient(db: Kysely<Database>, siteId: string, recipient: { id: string; user_id: string | null }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (recipient.user_id) await trx.updateTable('users').set({ notify_replies: false }).where('id', '=', recipient.user_id).execute()
    await trx.deleteFrom('notify_recipients').where('site_id', '=', siteId).where('id', '=', recipient.id).execute()
  })
}

/** An address nobody confirmed within this time is forgotten, with its links. */
export const UNCONFIRMED_KEPT_MS = 7 * 24 * 60 * 60_000
/** Unsubscribe links keep working this long after their mail. */
export const UNSUBSCRIBE_LINK_KEPT_MS = 365 * 24 * 60 * 60_000

/** Maintenance: forgets guest addresses and browser keys never confirmed (with what they waited for), and links too old to matter. Returns rows removed. */
export async function deleteStaleRecipients(db: Kysely<Database>, now: Date): Promise<number> {
  const unconfirmedBefore = new Date(now.getTime() - UNCONFIRMED_KEPT_MS)
  const recipients = await db.deleteFrom('notify_recipients').where('confirmed_at', 'is', null).where('created_at', '<', unconfirmedBefore).executeTakeFirst()
  const keys = await db.deleteFrom('notify_keys').where('trusted_at', 'is', null).where('used_at', '<', unconfirmedBefore).executeTakeFirst()
  const tokens = await db
    .deleteFrom('notify_tokens')
    .where((eb) =>
      eb.or([
        eb.and([eb('purpose', '=', 'confirm'), eb('created_at', '<', unconfirmedBefore)]),
        eb('created_at', '<', new Date(now.getTime() - UNSUBSCRIBE_LINK_KEPT_MS)),
      ]),
    )
    .executeTakeFirst()
  return Number(recipients.numDeletedRows) + Number(keys.numDeletedRows) + Number(tokens.numDeletedRows)
}
