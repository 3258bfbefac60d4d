import type { Kysely } from 'kysely'
import type { CommentRow, Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { countCharacters } from '../http/text.ts'
import type { PageRef } from '../threads/thread-key.ts'
import { generateEditToken } from './edit-token.ts'
import { insertComment, MAX_DEPTH } from './insert-comment.ts'
import { admitComment, type Poster } from '../moderation/admission.ts'
import { writeNewComment } from './comment-news.ts'
import type { NotifyOptIn } from '../notifications/queue-notifications.ts'
import type { Subscribed } from '../notifications/recipients.ts'

export type CommentAuthor =
  | { kind: 'guest'; name: string; email?: string }
  | { kind: 'user'; userId: string; name: string }

export interface NewComment {
  site: SiteRow
  page: PageRef & { title?: string }
  parentId?: string
  body: string
  author: CommentAuthor
  poster: Poster
  honeypot?: string
  client: { ip: string; userAgent: string }
  /** The author asks for mail about replies or the thread. */
  notify?: NotifyOptIn
}

export function checkBodyLength(site: SiteRow, body: string): void {
  if (countCharacters(body) > site.max_comment_length)
    throw new AppError('comment_too_long', `A comment here can be at most ${site.max_comment_length} characters long.`)
}

/** Comment, thread counters and the parent's reply count change together or not at all. */
export async function postComment(
  deps: Pick<Deps, 'db' | 'clock' | 'markdown' | 'config' | 'spamCheck'>,
  input: NewComment,
): Promise<{ comment: CommentRow; editToken?: string; subscribed?: Subscribed }> {
  const { db, clock, markdown } = deps
  const { site, author } = input
  checkBodyLength(site, input.body)
  const bodyHtml = markdown.render(input.body, { allowsImages: site.allows_images })
  const admission = await admitComment(deps, site, input.poster, {
    body: input.body,
    html: bodyHtml,
    honeypot: input.honeypot,
    spam: { pageUrl: input.page.url, ip: input.client.ip, userAgent: input.client.userAgent, authorName: author.name, authorEmail: author.kind === 'guest' ? (author.email ?? null) : null },
  })
  const token = author.kind === 'guest' ? generateEditToken() : undefined
  const now = clock.now()
  const news = { siteId: site.id, parentId: input.parentId ?? null, optIn: input.notify, publicUrl: deps.config.publicUrl, now }
  const { comment, subscribed } = await writeNewComment(db, news, (trx) => insertComment(trx, {
    siteId: site.id,
    id: crypto.randomUUID(),
    page: { key: input.page.key, url: input.page.url, title: input.page.title ?? '' },
    parentId: input.parentId ?? null,
    authorUserId: author.kind === 'user' ? author.userId : null,
    authorName: author.name,
    authorEmail: author.kind === 'guest' ? (author.email ?? null) : null,
    editTokenHash: token?.hash ?? null,
    bodySource: input.body,
    bodyHtml,
    status: admission.status,
    heldBecause: admission.heldBecause,
    authorFingerprint: input.poster.userId ? null : input.poster.author.slice('guest:'.length),
    now,
  }))
  if (!comment) throw await explainRefusal(db, site.id, input)
  return { comment, editToken: token?.token, subscribed }
}

/** Why the insert wrote nothing: the parent, or a thread closed to comments. */
async function explainRefusal(db: Kysely<Database>, siteId: string, input: NewComment): Promise<AppError> {
  if (input.parentId) {
    const parent = await db
      .selectFrom('comments as c')
      .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
      .select(['c.status', 'c.depth', 't.key'])
      .where('c.site_id', '=', siteId)
      .where('c.id', '=', input.parentId)
      .executeTakeFirst()
    if (!parent || parent.status !== 'published')
      return new AppError('parent_not_found', 'The comment you are replying to no longer exists.')
    if (parent.key !== input.page.key)
      return new AppError('parent_not_in_thread', 'A reply must be posted on the same page as the comment it answers.')
    if (parent.depth >= MAX_DEPTH)
      return new AppError('reply_too_deep', 'This conversation is nested as deep as it can go; reply to an earlier comment.')
  }
  return new AppError('thread_locked', 'This discussion is closed to new comments.')
}
