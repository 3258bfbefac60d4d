import type { Kysely } from 'kysely'
import type { CommentRow, Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { countCharacters } from '../http/text.ts'
import type { PageRef } from '../threads/thread-key.ts'
import { announcementText, changedThread } from '../threads/thread-changes.ts'
import { generateEditToken } from './edit-token.ts'
import { insertComment, MAX_DEPTH } from './insert-comment.ts'
import { resolveMentions } from './mentions.ts'
import { admitComment } from '../authors/admission.ts'
import type { Poster } from '../authors/poster.ts'
import { listenerColumns, writeNewComment } from './comment-news.ts'
import type { NotifyOptIn } from '../notifications/queue-notifications.ts'
import type { Subscribed } from '../notifications/recipients.ts'
import { claimFor, findRememberedPost, idempotentRequest, resealPost, type IdempotentRequest } from './idempotency.ts'

export interface NewComment {
  site: SiteRow
  page: PageRef & { title?: string }
  parentId?: string
  body: string
  poster: Poster
  honeypot?: string
  client: { ip: string; userAgent: string }
  /** The author asks for mail about replies or the thread. */
  notify?: NotifyOptIn
  /** The client's Idempotency-Key: the same post sent again within a day returns the first comment. */
  idempotencyKey?: string
}

export interface PostedComment {
  comment: CommentRow
  /** The thread's version once the post was written (at least). */
  threadVersion: number
  editToken?: string
  subscribed?: Subscribed
  /** The post was made earlier under the same Idempotency-Key; this is that comment. */
  replayed?: boolean
}

export function checkBodyLength(site: SiteRow, body: string): void {
  if (countCharacters(body) > site.max_comment_length)
    throw new AppError('comment_too_long', `A comment here can be at most ${site.max_comment_length} characters long.`)
}

/** Comment, thread counters and the parent's reply count change together or not at all. */
export async function postComment(
  deps: Pick<Deps, 'db' | 'clock' | 'markdown' | 'config' | 'spamCheck' | 'pages'>,
  input: NewComment,
): Promise<PostedComment> {
  const { db, clock, markdown } = deps
  const { site, poster } = input
  const idempotent = input.idempotencyKey === undefined ? undefined : await idempotentRequest(site.id, input.idempotencyKey, sameness(input))
  if (idempotent) {
    // Before anything else, so a retry neither counts against rate limits nor meets a closed edit window.
    const earlier = await replay(db, idempotent, clock.now())
    if (earlier) return earlier
  }
  checkBodyLength(site, input.body)
  const mentions = await resolveMentions(db, site, { key: input.page.key }, input.body, deps.config.publicUrl)
  const bodyHtml = markdown.render(input.body, { allowsImages: site.allows_images, mentions })
  const parentId = input.parentId ?? null
  const { admission, also: listeners } = await admitComment(deps, site, poster, {
    body: input.body,
    html: bodyHtml,
    honeypot: input.honeypot,
    spam: { pageUrl: input.page.url, ip: input.client.ip, userAgent: input.client.userAgent, authorName: poster.name, authorEmail: poster.kind === 'guest' ? poster.email : null },
  }, listenerColumns(site.id, parentId, mentions.length > 0))
  const token = poster.kind === 'guest' ? generateEditToken() : undefined
  const now = clock.now()
  const claim = idempotent && (await claimFor(idempotent, { editToken: token?.token }, now))
  const onSubscribed = idempotent && ((trx: Kysely<Database>, notify: Subscribed) => resealPost(trx, idempotent, { editToken: token?.token, notify }))
  const news = { listeners, optIn: input.notify, publicUrl: deps.config.publicUrl, now, onSubscribed }
  const { comment, subscribed } = await writeNewComment(deps, news, (trx) => insertComment(trx, {
    siteId: site.id,
    id: crypto.randomUUID(),
    page: { key: input.page.key, url: input.page.url, title: input.page.title ?? '' },
    parentId,
    authorUserId: poster.kind === 'user' ? poster.userId : null,
    authorRole: poster.kind === 'user' ? poster.role : null,
    authorName: poster.name,
    authorEmail: poster.kind === 'guest' ? poster.email : null,
    editTokenHash: token?.hash ?? null,
    bodySource: input.body,
    bodyHtml,
    status: admission.status,
    heldBecause: admission.heldBecause,
    authorFingerprint: poster.kind === 'guest' ? poster.fingerprint : null,
    mentions: mentions.map((m) => m.userId),
    now,
    claim,
  }))
  if (comment) {
    const told = comment.status === 'published' ? announcementText(site.id, input.page.key, 'new', comment.id) : null
    changedThread(deps, site.id, input.page.key, told)
    const { thread_version: threadVersion, ...stored } = comment
    return { comment: stored, threadVersion, editToken: token?.token, subscribed }
  }
  // Nothing written: a post with the same key got there first (this one waited for it), or a check failed.
  const first = idempotent && (await replay(db, idempotent, now))
  if (first) return first
  throw await explainRefusal(db, site.id, input)
}

/** What makes two posts the same post: a retry sends all of it again, unchanged. */
function sameness(input: NewComment) {
  const { poster, page, parentId, body, notify } = input
  const author = poster.kind === 'user' ? { userId: poster.userId } : { kind: 'guest', name: poster.name, ...(poster.email === null ? {} : { email: poster.email }) }
  return { page: page.key, parentId: parentId ?? null, body, author, notify: notify ?? null }
}

async function replay(db: Kysely<Database>, idempotent: IdempotentRequest, now: Date): Promise<PostedComment | undefined> {
  const earlier = await findRememberedPost(db, idempotent, now)
  if (!earlier) return undefined
  const comment = await db.selectFrom('comments').selectAll().where('site_id', '=', idempotent.siteId).where('id', '=', earlier.commentId).executeTakeFirstOrThrow()
  const thread = await db.selectFrom('threads').select('version').where('site_id', '=', idempotent.siteId).where('id', '=', comment.thread_id).executeTakeFirstOrThrow()
  return { comment, threadVersion: thread.version, editToken: earlier.secrets.editToken, subscribed: earlier.secrets.notify, replayed: true }
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
