import { recordAction } from '../audit/audit-log.ts'
import type { CommentRow, CommentStatus, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { changeStatus, lockComment } from '../comments/change-status.ts'
import { AppError } from '../http/errors.ts'
import { changeThreads, touchThread } from '../threads/thread-changes.ts'

export const COMMENT_ACTIONS = ['approve', 'reject', 'hide', 'unhide', 'spam', 'delete', 'dismiss'] as const
export type CommentAction = (typeof COMMENT_ACTIONS)[number]

/** From which statuses each action may move a comment, and to what (dismiss: it stays as it is). */
const TRANSITIONS: Record<CommentAction, { from: readonly CommentStatus[]; to: CommentStatus | 'unchanged' }> = {
  approve: { from: ['pending'], to: 'published' },
  reject: { from: ['pending'], to: 'deleted' },
  hide: { from: ['published'], to: 'hidden' },
  unhide: { from: ['hidden'], to: 'published' },
  spam: { from: ['published', 'pending', 'hidden'], to: 'spam' },
  delete: { from: ['published', 'pending', 'hidden', 'spam'], to: 'deleted' },
  // Readers reported it; a moderator read it and keeps it: the reports are settled.
  dismiss: { from: ['published', 'hidden'], to: 'unchanged' },
}

/**
 * One moderation action on one comment: the status change (with every count kept right) and
 * its audit entry commit together or not at all.
 */
export async function moderateComment(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  site: SiteRow,
  actorUserId: string,
  input: { commentId: string; action: CommentAction; reason?: string; showReason?: boolean },
): Promise<{ comment: CommentRow }> {
  const now = deps.clock.now()
  const rule = TRANSITIONS[input.action]
  return changeThreads(deps, async (trx) => {
    const row = await lockComment(trx, site.id, input.commentId)
    if (!row) throw new AppError('comment_not_found', 'That comment does not exist.')
    if (!rule.from.includes(row.status))
      throw new AppError('conflict', `A ${row.status} comment cannot be given "${input.action}".`)
    const reason = input.reason?.trim() || null
    const fields =
      input.action === 'hide' ? { moderation_reason: reason, reason_public: Boolean(input.showReason && reason) } : input.action === 'unhide' ? { moderation_reason: null, reason_public: false } : {}
    // A moderator has looked: the reports that brought the comment here are settled.
    const settled = await trx.updateTable('reports').set({ resolved_at: now }).where('site_id', '=', site.id).where('comment_id', '=', row.id).where('resolved_at', 'is', null).executeTakeFirst()
    if (rule.to === 'unchanged' && Number(settled.numUpdatedRows) === 0) throw new AppError('conflict', 'Nobody has reported this comment.')
    const changed = rule.to === 'unchanged' ? { comment: row } : await changeStatus(trx, row, rule.to, fields, now)
    await recordAction(trx, { siteId: site.id, actorUserId, action: input.action, targetKind: 'comment', targetId: row.id, reason }, now)
    return changed
  })
}

/** Closes a thread to new comments, or opens it again; audited like every action. */
export async function lockThread(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  site: SiteRow,
  actorUserId: string,
  input: { key: string; locked: boolean; reason?: string },
): Promise<{ locked: boolean }> {
  const now = deps.clock.now()
  return changeThreads(deps, async (trx) => {
    const thread = await touchThread(trx, { siteId: site.id, thread: { key: input.key }, kind: 'thread', set: { locked_at: input.locked ? now : null }, now })
    if (!thread) throw new AppError('not_found', 'There is no thread on that page yet.')
    const action = input.locked ? 'lock' : 'unlock'
    await recordAction(trx, { siteId: site.id, actorUserId, action, targetKind: 'thread', targetId: thread.id, reason: input.reason?.trim() || null }, now)
    return { locked: input.locked }
  })
}

/**
 * Pins a published top-level comment to the top of its thread (replacing any earlier pin), or
 * unpins it.
 */
export async function pinComment(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  site: SiteRow,
  actorUserId: string,
  input: { commentId: string; pinned: boolean; reason?: string },
): Promise<{ comment: CommentRow }> {
  const now = deps.clock.now()
  return changeThreads(deps, async (trx) => {
    const row = await lockComment(trx, site.id, input.commentId)
    if (!row) throw new AppError('comment_not_found', 'That comment does not exist.')
    if (input.pinned && (row.parent_id !== null || row.status !== 'published'))
      throw new AppError('conflict', 'Only a published top-level comment can be pinned.')
    const thread = await touchThread(trx, {
      siteId: site.id,
      thread: { id: row.thread_id },
      kind: 'thread',
      commentId: row.id,
      set: { pinned_comment_id: input.pinned ? row.id : null },
      onlyIf: (q) => (input.pinned ? q : q.where('pinned_comment_id', '=', row.id)),
      now,
    })
    if (!thread) throw new AppError('conflict', 'That comment is not pinned.')
    const action = input.pinned ? 'pin' : 'unpin'
    await recordAction(trx, { siteId: site.id, actorUserId, action, targetKind: 'comment', targetId: row.id, reason: input.reason?.trim() || null }, now)
    return { comment: row }
  })
}
