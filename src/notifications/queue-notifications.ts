import { sql, type Kysely } from 'kysely'
import type { CommentRow, Database, MailLocale } from '../db/schema.ts'
import { queueInbox } from './inbox.ts'
import { subscribe, type Subscribed } from './recipients.ts'

export interface NotifyOptIn {
  /** Replies to this comment, or everything new in its thread. */
  kind: 'replies' | 'thread'
  locale: MailLocale
  /** A guest's browser key from an earlier opt-in. */
  key?: string
}

/**
 * The posting transaction's one call: records the author's opt-in (guests need an address),
 * then queues news of the comment if it is visible now. Returns what became of the opt-in.
 */
export async function noteNewComment(db: Kysely<Database>, publicUrl: string, comment: CommentRow, optIn: NotifyOptIn | undefined, now: Date): Promise<Subscribed | undefined> {
  const who = comment.author_user_id ? { userId: comment.author_user_id } : comment.author_email ? { email: comment.author_email, key: optIn?.key } : undefined
  let subscribed: Subscribed | undefined
  if (optIn && who) {
    const target = optIn.kind === 'thread' ? { siteId: comment.site_id, threadId: comment.thread_id } : { siteId: comment.site_id, commentId: comment.id }
    subscribed = await subscribe(db, publicUrl, target, who, optIn.locale, now)
  }
  await queueNotifications(db, comment, now)
  return subscribed
}

/**
 * Puts a published comment in the inbox of the parent's author and of the readers it mentions,
 * and queues it for the next digest of everyone who follows its thread or its parent's replies,
 * and of the parent's author and those mentioned when their accounts ask for mail (made a
 * recipient on this site on first use). Its own author is left out, and so are addresses not
 * yet confirmed. A comment that is pending or hidden queues nothing: call this again when a
 * moderator publishes it (an account is told of a comment once, inbox.ts), with `followers`
 * false when it was published once before, its followers told then. Two statements,
 * whatever the number of followers: they run inside the posting transaction, which holds the
 * thread's row lock until it commits.
 */
export async function queueNotifications(db: Kysely<Database>, comment: CommentRow, now: Date, { followers = true } = {}): Promise<void> {
  if (comment.status !== 'published') return
  const told = await queueInbox(db, comment, now)
  await queueMail(db, comment, told, followers, now)
}

/**
 * An edit of a published comment tells the accounts it mentions now and did not before, as a new
 * comment's mentions would be told (inbox, and mail where their accounts ask for it); nobody else
 * hears of the edit, nor does an edit become the moment older mentions are told (as of a comment
 * a lifted shadow ban published, which told nobody). An account is told of a comment once
 * (inbox.ts): dropping a mention and writing it again in a later edit tells nobody twice. An edit
 * that leaves the comment pending, hidden or shadowed tells nobody: a held one tells those it
 * mentions when a moderator publishes it.
 */
export async function queueAddedMentions(db: Kysely<Database>, before: CommentRow, after: CommentRow, now: Date): Promise<void> {
  if (after.status !== 'published') return
  const added = after.mentions.filter((id) => !before.mentions.includes(id))
  if (added.length === 0) return
  const told = await queueInbox(db, after, now, { parent: false, mentions: added })
  if (told.length > 0) await queueMail(db, after, told, false, now)
}

/**
 * Queues the comment for the digests of the accounts just `told` of it (the parent's author, those
 * it mentions) whose accounts ask for mail, and, `withFollowers`, of everyone following its thread
 * or its parent's replies. Only those just told: a comment published a second time (edited into
 * review, then approved) mails its parent's author and those it mentioned no second time. One statement.
 */
async function queueMail(db: Kysely<Database>, comment: CommentRow, told: readonly string[], withFollowers: boolean, now: Date): Promise<void> {
  const { site_id: siteId, author_user_id: authorUserId, author_email: authorEmail } = comment
  await sql`
    with asked as (
      select u.id, u.notify_locale from users u
      where u.notify_replies and u.email_verified_at is not null and u.id = any (${told}::uuid[])
    ),
    made as (
      insert into notify_recipients (site_id, user_id, locale, confirmed_at, created_at)
      select ${siteId}, id, notify_locale, ${now}, ${now} from asked
      on conflict do nothing
      returning site_id, id, user_id, email, confirmed_at
    ),
    followers as (
      select r.site_id, r.id, r.user_id, r.email, r.confirmed_at from notify_recipients r
      where r.site_id = ${siteId} and (
        ${withFollowers}::boolean and exists (select 1 from notify_subscriptions s where s.site_id = r.site_id and s.recipient_id = r.id and s.pending_key is null
          and (s.thread_id = ${comment.thread_id}::uuid or s.comment_id = ${comment.parent_id}::uuid))
        or r.user_id in (select id from asked))
      union all select * from made
    )
    insert into notify_events (site_id, recipient_id, comment_id, created_at)
    select f.site_id, f.id, ${comment.id}::uuid, ${now} from followers f
    where f.confirmed_at is not null
      and (f.user_id is null or ${authorUserId}::uuid is null or f.user_id <> ${authorUserId}::uuid)
      and (f.email is null or ${authorEmail}::text is null or f.email <> ${authorEmail}::text)
    on conflict do nothing`.execute(db)
}
