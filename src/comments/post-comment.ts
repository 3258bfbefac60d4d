import { sql, type Kysely } from 'kysely'
import type { CommentRow, Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { countCharacters } from '../http/text.ts'
import type { PageRef } from '../threads/thread-key.ts'
import { generateEditToken } from './edit-token.ts'

export type CommentAuthor =
  | { kind: 'guest'; name: string; email?: string }
  | { kind: 'user'; userId: string; name: string }

export interface NewComment {
  site: SiteRow
  page: PageRef & { title?: string }
  parentId?: string
  body: string
  author: CommentAuthor
}

export function checkBodyLength(site: SiteRow, body: string): void {
  if (countCharacters(body) > site.max_comment_length)
    throw new AppError('comment_too_long', `A comment here can be at most ${site.max_comment_length} characters long.`)
}

/**
 * Comment, thread counters and the parent's reply count change together or not at all.
 * Locks are taken parent first, then thread, the same order a delete takes them.
 */
export async function postComment(
  { db, clock, markdown }: Pick<Deps, 'db' | 'clock' | 'markdown'>,
  input: NewComment,
): Promise<{ comment: CommentRow; editToken?: string }> {
  const { site, author } = input
  if (author.kind === 'guest' && site.guest_policy === 'forbidden')
    throw new AppError('guests_not_allowed', 'This site asks you to sign in before you comment.')
  checkBodyLength(site, input.body)
  const html = markdown.render(input.body, { allowsImages: site.allows_images })
  const status = author.kind === 'guest' && site.guest_policy === 'premoderated' ? 'pending' : 'published'
  const isVisible = status === 'published'
  const token = author.kind === 'guest' ? generateEditToken() : undefined
  const now = clock.now()
  const id = crypto.randomUUID()

  const comment = await db.transaction().execute(async (trx) => {
    const parent = input.parentId ? await lockParent(trx, site.id, input.parentId) : undefined
    const thread = await takeThreadSlot(trx, site.id, input.page, isVisible, now)
    if (thread.locked_at) throw new AppError('thread_locked', 'This discussion is closed to new comments.')
    if (parent && parent.thread_id !== thread.id)
      throw new AppError('parent_not_in_thread', 'A reply must be posted on the same page as the comment it answers.')
    const row = await trx
      .insertInto('comments')
      .values({
        site_id: site.id,
        id,
        thread_id: thread.id,
        parent_id: parent?.id ?? null,
        root_id: parent?.root_id ?? id,
        seq: thread.last_seq,
        path: [...(parent?.path ?? []), thread.last_seq],
        depth: parent ? parent.depth + 1 : 0,
        author_user_id: author.kind === 'user' ? author.userId : null,
        author_name: author.name,
        author_email: author.kind === 'guest' ? (author.email ?? null) : null,
        edit_token_hash: token?.hash ?? null,
        body_source: input.body,
        body_html: html,
        status,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    if (parent && isVisible)
      await trx
        .updateTable('comments')
        .set((eb) => ({ reply_count: eb('reply_count', '+', 1) }))
        .where('site_id', '=', site.id)
        .where('id', '=', parent.id)
        .execute()
    return row
  })
  return { comment, editToken: token?.token }
}

async function lockParent(trx: Kysely<Database>, siteId: string, parentId: string) {
  const parent = await trx
    .selectFrom('comments')
    .select(['id', 'thread_id', 'root_id', 'path', 'depth', 'status'])
    .where('site_id', '=', siteId)
    .where('id', '=', parentId)
    .forUpdate()
    .executeTakeFirst()
  if (!parent || parent.status !== 'published')
    throw new AppError('parent_not_found', 'The comment you are replying to no longer exists.')
  return parent
}

/**
 * Creates the thread on its first comment, or locks it, and takes the next seq. One statement,
 * so two first comments at once on a new page make one thread (the second waits, then updates).
 */
async function takeThreadSlot(
  trx: Kysely<Database>,
  siteId: string,
  page: NewComment['page'],
  isVisible: boolean,
  now: Date,
) {
  const visible = isVisible ? 1 : 0
  return trx
    .insertInto('threads')
    .values({
      site_id: siteId,
      key: page.key,
      url: page.url,
      title: page.title ?? '',
      comment_count: visible,
      last_seq: 1,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['site_id', 'key']).doUpdateSet((eb) => ({
        last_seq: eb('threads.last_seq', '+', 1),
        comment_count: eb('threads.comment_count', '+', visible),
        version: eb('threads.version', '+', 1),
        updated_at: now,
        // The first comment names the thread; a later one only fills a title that was missing.
        title: sql<string>`coalesce(nullif(threads.title, ''), excluded.title)`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}
