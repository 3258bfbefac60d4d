import { sql, type Kysely } from 'kysely'
import type { CommentRow, Database } from '../db/schema.ts'
import { tellReaders } from '../threads/thread-changes.ts'

/** How long a reader's inbox keeps what came, read or not. */
export const INBOX_DAYS = 90

/** Whom a comment's inbox items are for: its parent's author (when it is a reply), and accounts it mentions. */
export interface InboxAudience {
  parent: boolean
  mentions: readonly string[]
}

/**
 * A published comment in the inboxes of the account it replies to and of the accounts it
 * mentions, never its own author's: one statement in the transaction that publishes it. Only
 * published comments come here (queue-notifications.ts), so a held, hidden or shadow-banned
 * comment tells nobody until a moderator publishes it.
 *
 * An account is told of a comment at most once: its item (the table's key) is the record that it
 * was, so a comment published a second time, or edited to mention someone again, adds nothing.
 * Returns the accounts told now, for the mail that follows.
 */
export async function queueInbox(
  db: Kysely<Database>,
  comment: CommentRow,
  now: Date,
  audience: InboxAudience = { parent: true, mentions: comment.mentions },
): Promise<string[]> {
  const { rows } = await sql<{ user_id: string }>`
    insert into inbox_items (site_id, user_id, comment_id, kind, created_at)
    -- A reply that also mentions its parent's author is one item, a reply ('reply' > 'mention').
    select ${comment.site_id}, who.id, ${comment.id}::uuid, max(who.kind), ${now}
    from (
      select p.author_user_id as id, 'reply' as kind from comments p
      where ${audience.parent}::boolean and p.site_id = ${comment.site_id} and p.id = ${comment.parent_id}::uuid and p.author_user_id is not null
      union all select unnest(${audience.mentions}::uuid[]), 'mention'
    ) who
    join users u on u.id = who.id
    where who.id is distinct from ${comment.author_user_id}::uuid
    group by who.id
    on conflict do nothing
    returning user_id`.execute(db)
  const told = rows.map((r) => r.user_id)
  // Their widgets, wherever they are open, look at the inbox once this commits.
  await tellReaders(db, comment.site_id, told)
  return told
}

/** A reader's latest inbox items on a site, with the comments as the site shows them now (still published). */
export async function readInbox(db: Kysely<Database>, siteId: string, userId: string, limit: number) {
  const [items, unread] = await Promise.all([
    db
      .selectFrom('inbox_items as i')
      .innerJoin('comments as c', (j) => j.onRef('c.site_id', '=', 'i.site_id').onRef('c.id', '=', 'i.comment_id'))
      .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
      .select(['i.comment_id', 'i.kind', 'i.created_at', 'i.read_at', 'c.author_name', 'c.body_html', 't.url', 't.title'])
      .where('i.site_id', '=', siteId)
      .where('i.user_id', '=', userId)
      .where('c.status', '=', 'published')
      .orderBy('i.created_at', 'desc')
      .limit(limit)
      .execute(),
    countUnread(db, siteId, userId),
  ])
  return { items, unread }
}

/** How many of a reader's items on a site are unread (of comments still published). */
export async function countUnread(db: Kysely<Database>, siteId: string, userId: string): Promise<number> {
  const row = await db
    .selectFrom('inbox_items as i')
    .innerJoin('comments as c', (j) => j.onRef('c.site_id', '=', 'i.site_id').onRef('c.id', '=', 'i.comment_id'))
    .select(sql<number>`count(*)::int`.as('n'))
    .where('i.site_id', '=', siteId)
    .where('i.user_id', '=', userId)
    .where('i.read_at', 'is', null)
    .where('c.status', '=', 'published')
    .executeTakeFirstOrThrow()
  return row.n
}

/** Marks a reader's items read: those named, or all. */
export async function markInboxRead(db: Kysely<Database>, siteId: string, userId: string, commentIds: string[] | undefined, now: Date) {
  if (commentIds?.length === 0) return
  await db
    .updateTable('inbox_items')
    .set({ read_at: now })
    .where('site_id', '=', siteId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .$if(commentIds !== undefined, (q) => q.where('comment_id', 'in', commentIds ?? []))
    .execute()
}

/** Inbox items past INBOX_DAYS go, read or not. */
export async function deleteOldInboxItems(db: Kysely<Database>, now: Date): Promise<number> {
  const before = new Date(now.getTime() - INBOX_DAYS * 86_400_000)
  const result = await db.deleteFrom('inbox_items').where('created_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
