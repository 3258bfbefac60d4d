import { sql, type Kysely } from 'kysely'
import type { CommentRow, Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { resolveMentions } from './mentions.ts'
import { can, type Actor } from '../access/can.ts'
import { AppError } from '../http/errors.ts'
import { isEditTokenValid } from './edit-token.ts'
import { checkBodyLength } from './post-comment.ts'
import { checkLinkCount, heldByLists, linkHosts } from '../authors/blocklist.ts'
import { changeStatus } from './change-status.ts'
import { releaseAncestors } from './tree-counts.ts'
import { isVisibleRow } from './visibility.ts'
import { commentChanged } from './comment-changes.ts'
import { changeThreads } from '../threads/thread-changes.ts'
import { refuseIfBanned } from '../authors/ban-check.ts'
import { authorKeyOf } from '../authors/author-key.ts'
import { queueAddedMentions } from '../notifications/queue-notifications.ts'

/** Who asks, and a guest's proof that the comment is theirs. */
export interface AuthorProof {
  actor: Actor
  editToken: string | undefined
}

/**
 * Seconds its author has left to edit, and to delete, a comment (by lockOwnComment's and
 * refuseAuthorsEdit's rules): 0 once closed, or for the edit of a comment a moderator hid or
 * marked as spam; null where it never closes (an account deletes its own at any time).
 */
export function authorTimeLeft(
  site: Pick<SiteRow, 'edit_window_seconds'>,
  row: Pick<CommentRow, 'created_at' | 'author_user_id' | 'status'>,
  now: Date,
) {
  const open = Math.max(0, Math.ceil((row.created_at.getTime() + site.edit_window_seconds * 1000 - now.getTime()) / 1000))
  return { edit: row.status === 'hidden' || row.status === 'spam' ? 0 : open, delete: row.author_user_id === null ? open : null }
}

/**
 * Its author may edit a comment within the site's edit window; delete it too, a guest within
 * the window (the edit token is all that ties them to it), an account at any time. The site's
 * moderators may delete it.
 */
async function lockOwnComment(
  trx: Kysely<Database>,
  site: SiteRow,
  commentId: string,
  proof: AuthorProof,
  now: Date,
  action: 'edit' | 'delete',
): Promise<CommentRow> {
  const row = await trx
    .selectFrom('comments')
    .selectAll()
    .where('site_id', '=', site.id)
    .where('id', '=', commentId)
    .forUpdate()
    .executeTakeFirst()
  if (!row || row.status === 'deleted') throw new AppError('comment_not_found', 'That comment does not exist or was deleted.')
  const resource = { siteId: site.id, authorUserId: row.author_user_id }
  const windowClosed = now.getTime() > row.created_at.getTime() + site.edit_window_seconds * 1000
  const closed = () => new AppError('edit_window_closed', 'The time to edit or delete this comment has passed.')
  if (can(proof.actor, `comment.${action}`, resource)) {
    const isAuthor = proof.actor.kind === 'user' && row.author_user_id === proof.actor.userId
    if (action === 'edit' && windowClosed) throw closed()
    if (isAuthor && action === 'edit') await refuseAuthorsEdit(trx, site.id, row, now)
    if (isAuthor || action === 'delete') return row
  }
  if (row.author_user_id !== null) throw new AppError('forbidden', 'Only the author can change this comment.')
  if (!proof.editToken || !isEditTokenValid(proof.editToken, row.edit_token_hash))
    throw new AppError('invalid_edit_token', 'Only the author can change this comment, from the browser that posted it.')
  if (windowClosed) throw closed()
  if (action === 'edit') await refuseAuthorsEdit(trx, site.id, row, now)
  return row
}

/**
 * What its author may not change: a comment a moderator hid or marked as spam (the decision was
 * about the text; a new one would stay hidden under it), or anything while banned. Deleting stays
 * open to them: their words remain theirs to take back.
 */
async function refuseAuthorsEdit(trx: Kysely<Database>, siteId: string, row: CommentRow, now: Date): Promise<void> {
  if (row.status === 'hidden' || row.status === 'spam')
    throw new AppError('comment_hidden', 'A moderator hid this comment, so it can no longer be edited. You can still delete it.')
  const author = authorKeyOf(row)
  if (author) await refuseIfBanned(trx, siteId, [author], now)
}

export async function editComment(
  deps: Pick<Deps, 'db' | 'clock' | 'markdown' | 'pages' | 'config'>,
  site: SiteRow,
  commentId: string,
  body: string,
  proof: AuthorProof,
): Promise<{ comment: CommentRow; threadVersion: number }> {
  checkBodyLength(site, body)
  // Its mentions are resolved again as when posted; only those it did not mention before are told (below).
  const thread = body.includes('@') ? await deps.db.selectFrom('comments').select('thread_id').where('site_id', '=', site.id).where('id', '=', commentId).executeTakeFirst() : undefined
  const mentions = thread ? await resolveMentions(deps.db, site, { id: thread.thread_id }, body, deps.config.publicUrl) : []
  const html = deps.markdown.render(body, { allowsImages: site.allows_images, mentions })
  const hosts = linkHosts(html)
  checkLinkCount(site, hosts)
  // An edit cannot slip past the lists that would have held the comment: it goes back for review.
  const held = can(proof.actor, 'site.moderate', { siteId: site.id }) ? null : heldByLists(site, body, hosts)
  const now = deps.clock.now()
  return changeThreads(deps, async (trx) => {
    let row = await lockOwnComment(trx, site, commentId, proof, now, 'edit')
    if (held && row.status === 'published') row = (await changeStatus(trx, row, 'pending', { moderation_reason: `Edited. ${held}` }, now)).comment
    // The text being replaced joins the comment's history (version 1 is what was first posted).
    await trx
      .insertInto('comment_versions')
      .columns(['site_id', 'comment_id', 'version', 'body_source', 'written_at'])
      .expression((eb) =>
        eb
          .selectFrom('comment_versions')
          .select([
            eb.val(site.id).as('site_id'),
            eb.val(row.id).as('comment_id'),
            sql<number>`coalesce(max(version), 0) + 1`.as('version'),
            eb.val(row.body_source).as('body_source'),
            eb.val(row.edited_at ?? row.created_at).as('written_at'),
          ])
          .where('site_id', '=', site.id)
          .where('comment_id', '=', row.id),
      )
      .execute()
    const edited = await trx
      .updateTable('comments')
      .set({ body_source: body, body_html: html, edited_at: now, mentions: mentions.map((m) => m.userId) })
      .where('site_id', '=', site.id)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    const { threadVersion } = await commentChanged(trx, { kind: 'edited', before: row, after: edited, now })
    // The comment is not news again, but to someone it now mentions it is.
    await queueAddedMentions(trx, row, edited, now)
    return { comment: edited, threadVersion }
  })
}

/**
 * Deleting wipes the text and the author. With visible replies the comment stays as a
 * tombstone; without, it leaves the tree, and so may ancestors that were tombstones only
 * for its sake: reply counts are corrected up the path in the same transaction.
 */
export async function deleteComment(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  site: SiteRow,
  commentId: string,
  proof: AuthorProof,
): Promise<{ threadVersion: number }> {
  const now = deps.clock.now()
  return changeThreads(deps, async (trx) => {
    const row = await lockOwnComment(trx, site, commentId, proof, now, 'delete')
    const deleted = await trx
      .updateTable('comments')
      .set({
        status: 'deleted', body_source: '', body_html: '', author_name: '', author_email: null,
        edit_token_hash: null, deleted_at: now,
      })
      .where('site_id', '=', site.id)
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    // Its earlier versions go with its text.
    await trx.deleteFrom('comment_versions').where('site_id', '=', site.id).where('comment_id', '=', row.id).execute()
    if (isVisibleRow(row) && row.reply_count === 0) await releaseAncestors(trx, row)
    return commentChanged(trx, { kind: 'deleted', before: row, after: deleted, now })
  })
}
