import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { enqueueMail } from '../mail/outbox.ts'

/** At most one queue mail per moderator in this time, however busy their sites are. */
export const QUEUE_MAIL_SPACING_MS = 5 * 60_000

/**
 * Tells moderators who asked for it what entered their queues (new pending comments, newly
 * reported ones) since their last such mail, in one mail per person across their sites, through
 * the outbox. Each person is handled in a transaction that locks their row, so two instances
 * never send the same news twice. Returns how many mails were queued.
 */
export async function mailQueueNews(db: Kysely<Database>, publicUrl: string, now: Date): Promise<number> {
  const due = new Date(now.getTime() - QUEUE_MAIL_SPACING_MS)
  const people = await db
    .selectFrom('users as u')
    .select('u.id')
    .where('u.email_verified_at', 'is not', null)
    .where((eb) => eb.or([eb('u.queue_mailed_at', 'is', null), eb('u.queue_mailed_at', '<=', due)]))
    .where((eb) => eb.exists(eb.selectFrom('site_members as m').select('m.user_id').whereRef('m.user_id', '=', 'u.id').where('m.notify_queue', '=', true)))
    .execute()
  let sent = 0
  for (const { id } of people) {
    const mailed = await db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['email', 'queue_mailed_at'])
        .where('id', '=', id)
        .where((eb) => eb.or([eb('queue_mailed_at', 'is', null), eb('queue_mailed_at', '<=', due)]))
        .forUpdate()
        .skipLocked()
        .executeTakeFirst()
      if (!user?.email) return false
      // Never mailed: news since notifications were turned on is all there is; start from a day back.
      const since = user.queue_mailed_at ?? new Date(now.getTime() - 86_400_000)
      const { rows } = await sql<{ name: string; pending: number; reported: number }>`
        select s.name,
          (select count(*)::int from comments c where c.site_id = s.id and c.status = 'pending' and c.created_at > ${since}) as pending,
          (select count(distinct r.comment_id)::int from reports r where r.site_id = s.id and r.resolved_at is null and r.created_at > ${since}) as reported
        from site_members m join sites s on s.id = m.site_id
        where m.user_id = ${id} and m.notify_queue
        order by s.name`.execute(trx)
      const news = rows.filter((r) => r.pending + r.reported > 0)
      if (news.length === 0) return false
      const total = news.reduce((n, r) => n + r.pending + r.reported, 0)
      const lines = news.map((r) => {
        const parts = [r.pending && `${r.pending} waiting for approval`, r.reported && `${r.reported} reported by readers`].filter(Boolean)
        return `- ${r.name}: ${parts.join(', ')}`
      })
      await enqueueMail(
        trx,
        {
          to: user.email,
          subject: total === 1 ? 'A comment needs a moderator' : `${total} comments need a moderator`,
          text: [
            'New in your moderation queue:',
            '',
            ...lines,
            '',
            `Open the queue: ${publicUrl}/admin`,
            '',
            `You get at most one of these every ${QUEUE_MAIL_SPACING_MS / 60_000} minutes. To stop them, turn off queue mail in each site's settings on the dashboard.`,
          ].join('\n'),
        },
        now,
      )
      await trx.updateTable('users').set({ queue_mailed_at: now }).where('id', '=', id).execute()
      return true
    })
    if (mailed) sent++
  }
  return sent
}
