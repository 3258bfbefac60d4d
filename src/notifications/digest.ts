import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { enqueueMail } from '../mail/outbox.ts'
import { digestMail } from './digest-mail.ts'
import { excerptOf, pageNameOf } from './mails.ts'
import { mintLink } from './recipients.ts'

/** At most one notification mail per reader and site in this time, however busy the thread. */
export const NOTIFY_BATCH_MS = 5 * 60_000

/**
 * Mails each reader whose news is due one digest of the comments queued for them since their
 * last one, through the outbox (run by the maintenance loop). A comment hidden or deleted
 * meanwhile is left out. Each reader is handled in a transaction that locks their row, so two
 * instances never send the same news twice. Returns how many mails were queued.
 */
export async function mailNotificationDigests(db: Kysely<Database>, publicUrl: string, now: Date): Promise<number> {
  const due = new Date(now.getTime() - NOTIFY_BATCH_MS)
  // From the pending events (few, and gone once mailed), not from every reader who ever subscribed.
  const recipients = await db
    .selectFrom('notify_events as e')
    .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 'e.site_id').onRef('r.id', '=', 'e.recipient_id'))
    .select(['r.site_id', 'r.id'])
    .distinct()
    .where((eb) => eb.or([eb('r.mailed_at', 'is', null), eb('r.mailed_at', '<=', due)]))
    .execute()
  let sent = 0
  for (const { site_id: siteId, id } of recipients) {
    const mailed = await db.transaction().execute(async (trx) => {
      const recipient = await trx
        .selectFrom('notify_recipients as r')
        .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'r.user_id').on('u.email_verified_at', 'is not', null))
        .select(['r.email', 'r.locale', 'u.email as account_email'])
        .where('r.site_id', '=', siteId)
        .where('r.id', '=', id)
        .where((eb) => eb.or([eb('r.mailed_at', 'is', null), eb('r.mailed_at', '<=', due)]))
        .forUpdate('r')
        .skipLocked()
        .executeTakeFirst()
      if (!recipient) return false
      const items = await trx
        .selectFrom('notify_events as e')
        .innerJoin('comments as c', (j) => j.onRef('c.site_id', '=', 'e.site_id').onRef('c.id', '=', 'e.comment_id'))
        .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
        .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 'e.site_id').onRef('r.id', '=', 'e.recipient_id'))
        // Why an account hears of it: the inbox item it was told by (a mention or a reply); else it follows the conversation.
        .leftJoin('inbox_items as i', (j) => j.onRef('i.site_id', '=', 'e.site_id').onRef('i.user_id', '=', 'r.user_id').onRef('i.comment_id', '=', 'e.comment_id'))
        .select(['c.id', 'c.author_name', 'c.body_html', 't.url', 't.title', 'i.kind'])
        .where('e.site_id', '=', siteId)
        .where('e.recipient_id', '=', id)
        .where('c.status', '=', 'published')
        .orderBy('c.created_at')
        .orderBy('c.id')
        .execute()
      await trx.deleteFrom('notify_events').where('site_id', '=', siteId).where('recipient_id', '=', id).execute()
      const to = recipient.email ?? recipient.account_email
      if (items.length === 0 || !to) return false
      const site = await trx.selectFrom('sites').select(['id', 'name']).where('id', '=', siteId).executeTakeFirstOrThrow()
      const unsubscribeUrl = await mintLink(trx, publicUrl, siteId, id, 'unsubscribe', now)
      const digest = items.map((c) => ({
        reason: c.kind ?? ('news' as const),
        authorName: c.author_name,
        excerpt: excerptOf(c.body_html),
        // The widget opens the page at a comment it finds in this fragment.
        link: `${c.url}#engawa-comment-${c.id}`,
        pageName: pageNameOf(c),
      }))
      await enqueueMail(trx, digestMail(recipient.locale, to, site, digest, unsubscribeUrl), now)
      await trx.updateTable('notify_recipients').set({ mailed_at: now }).where('site_id', '=', siteId).where('id', '=', id).execute()
      return true
    })
    if (mailed) sent++
  }
  return sent
}
