import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { CommentRow, Database } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { changeThreads } from '../threads/thread-changes.ts'
import { noteNewComment, type NotifyOptIn } from '../notifications/queue-notifications.ts'
import type { Subscribed } from '../notifications/recipients.ts'
import { queueCommentEvent } from './comment-events.ts'

export interface Listeners {
  webhooks: boolean
  readers: boolean
}

/**
 * Who will hear of a new comment: the site's webhook endpoints, and readers waiting for mail or
 * for news in their inbox.
 * Select-list columns, asked in the statement that admits the post (authors/admission.ts).
 */
export function listenerColumns(siteId: string, parentId: string | null, mentions: boolean): RawBuilder<Listeners> {
  // A reply to an account, or a mention, goes to an inbox (notifications/inbox.ts) whether or not mail follows.
  return sql<Listeners>`
      exists (select 1 from webhooks w where w.site_id = ${siteId} and w.enabled and 'comment.created' = any (w.events)) as webhooks,
      ${mentions}
        or exists (select 1 from notify_recipients r where r.site_id = ${siteId} and r.confirmed_at is not null)
        or exists (select 1 from comments p where p.site_id = ${siteId} and p.id = ${parentId}::uuid and p.author_user_id is not null) as readers`
}

/**
 * Writes a new comment with `write` and, in the same transaction, what it sets off: its author's
 * opt-in to mail, the news for readers who follow the thread or the parent, and the
 * `comment.created` webhook event. Most posts set off nothing (`listeners`, asked beforehand, says
 * so), and the comment is then written alone, outside any transaction, so a post stays the one
 * statement insert-comment.ts keeps it to. (A follower or endpoint added while a post is under
 * way may miss that one comment.)
 */
export async function writeNewComment<C extends CommentRow>(
  deps: Pick<Deps, 'db' | 'pages'>,
  news: {
    listeners: Listeners
    optIn: NotifyOptIn | undefined
    publicUrl: string
    now: Date
    /** What the author's opt-in came to, in the same transaction (a replay of the post answers with it too). */
    onSubscribed?: (trx: Kysely<Database>, subscribed: Subscribed) => Promise<void>
  },
  write: (db: Kysely<Database>) => Promise<C | undefined>,
): Promise<{ comment: C | undefined; subscribed?: Subscribed }> {
  const { listeners } = news
  if (!listeners.webhooks && !listeners.readers && !news.optIn) return { comment: await write(deps.db) }
  // Through changeThreads: the readers told of it (their inboxes) hear of it once it commits, on Workers too.
  return changeThreads(deps, async (trx) => {
    const comment = await write(trx)
    if (!comment) return { comment }
    const subscribed = listeners.readers || news.optIn ? await noteNewComment(trx, news.publicUrl, comment, news.optIn, news.now) : undefined
    if (subscribed) await news.onSubscribed?.(trx, subscribed)
    if (listeners.webhooks) await queueCommentEvent(trx, 'comment.created', comment, news.now)
    return { comment, subscribed }
  })
}
