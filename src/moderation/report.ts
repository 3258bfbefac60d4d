import type { Deps } from '../deps.ts'
import type { ReportReason, SiteRow } from '../db/schema.ts'
import { changeStatus, lockComment } from '../comments/change-status.ts'
import { AppError } from '../http/errors.ts'
import { refuseIfBanned } from '../authors/ban-check.ts'
import { recordAction } from '../audit/audit-log.ts'
import { queueCommentEvent } from '../comments/comment-events.ts'
import { changeThreads } from '../threads/thread-changes.ts'

/**
 * A reader reports a comment, once. When as many distinct readers as the site's threshold have
 * reported it, it is hidden until a moderator looks (an audit entry says the system did it).
 */
export async function reportComment(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  site: SiteRow,
  input: { commentId: string; reporter: string; reason: ReportReason; text?: string },
): Promise<{ hidden: boolean }> {
  const now = deps.clock.now()
  await refuseIfBanned(deps.db, site.id, [input.reporter], now)
  return changeThreads(deps, async (trx) => {
    const row = await lockComment(trx, site.id, input.commentId)
    if (!row || row.status !== 'published') throw new AppError('comment_not_found', 'That comment cannot be reported.')
    const inserted = await trx
      .insertInto('reports')
      .values({ site_id: site.id, comment_id: row.id, reporter: input.reporter, reason: input.reason, text: input.text?.trim() || null, created_at: now })
      .onConflict((oc) => oc.columns(['site_id', 'comment_id', 'reporter']).doNothing())
      .returning('reporter')
      .executeTakeFirst()
    if (!inserted) throw new AppError('conflict', 'You have reported this comment already. Thank you.')
    await queueCommentEvent(trx, 'report.created', row, now, { report: { reason: input.reason, text: input.text?.trim() || null, createdAt: now.toISOString() } })
    const open = await trx
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_id', '=', site.id)
      .where('comment_id', '=', row.id)
      .where('resolved_at', 'is', null)
      .executeTakeFirstOrThrow()
    if (Number(open.n) < site.report_threshold) return { hidden: false }
    const reason = `Reported by ${Number(open.n)} readers; hidden until a moderator reviews it.`
    await changeStatus(trx, row, 'hidden', { moderation_reason: reason, reason_public: false }, now)
    await recordAction(trx, { siteId: site.id, actorUserId: null, action: 'auto-hide', targetKind: 'comment', targetId: row.id, reason }, now)
    return { hidden: true }
  })
}
