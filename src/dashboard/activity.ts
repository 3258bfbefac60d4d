import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

const DAY_MS = 86_400_000

export interface DayActivity {
  /** The UTC day, YYYY-MM-DD. */
  day: string
  /** Comments posted that day, whatever became of them. */
  comments: number
  /** Comments in the queue at the end of that day (or now, for today). */
  queue: number
}

/**
 * A site's last `days` UTC days, today included, in one query. The queue at the end of day D
 * holds, each comment once:
 * - comments pending now that were posted by D;
 * - comments that were pending at D and left the queue after it. Only arrival holds a comment
 *   (admission.ts), so a comment was pending until the first time a moderator changed its
 *   status. That first change tells whether it was held: approve and reject apply to pending
 *   comments only; spam and delete to others too, so for those the held reason
 *   (moderation_reason, set on arrival and otherwise only by hiding) has to be there;
 * - comments with a report made by D that was still open at D.
 * Known blind spots: a pending comment its author deleted left no audit entry and is not
 * counted on the days it waited, and one held as spam on arrival, then deleted, is counted.
 */
export async function readActivity(db: Kysely<Database>, siteId: string, now: Date, days = 30): Promise<DayActivity[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const first = new Date(today - (days - 1) * DAY_MS)
  const last = new Date(today)
  const end = new Date(today + DAY_MS)
  const { rows } = await sql<DayActivity>`
    with days as (
      select d as day_start, d + interval '1 day' as day_end
      from generate_series(${first}::timestamptz, ${last}::timestamptz, interval '1 day') as d
    ),
    first_moves as (
      select distinct on (a.target_id) a.target_id, a.action, a.created_at
      from moderation_actions a
      where a.site_id = ${siteId} and a.target_kind = 'comment'
        and a.action in ('approve', 'reject', 'hide', 'unhide', 'spam', 'delete', 'auto-hide')
      order by a.target_id, a.created_at, a.id
    ),
    stays as (
      select c.id, c.created_at as entered, m.created_at as left_at
      from comments c
      left join first_moves m on m.target_id = c.id::text
      where c.site_id = ${siteId}
        and c.created_at < ${end}::timestamptz
        and (c.status = 'pending'
          or m.action in ('approve', 'reject')
          or (m.action in ('spam', 'delete') and c.moderation_reason is not null))
        and (m.created_at is null or m.created_at >= ${first}::timestamptz)
      union all
      select r.comment_id, r.created_at, r.resolved_at
      from reports r
      where r.site_id = ${siteId}
        and r.created_at < ${end}::timestamptz
        and (r.resolved_at is null or r.resolved_at >= ${first}::timestamptz)
    )
    select
      to_char(d.day_start at time zone 'UTC', 'YYYY-MM-DD') as day,
      (select count(*)::int from comments c
        where c.site_id = ${siteId} and c.created_at >= d.day_start and c.created_at < d.day_end) as comments,
      (select count(distinct s.id)::int from stays s
        where s.entered < d.day_end and (s.left_at is null or s.left_at >= d.day_end)) as queue
    from days d
    order by d.day_start`.execute(db)
  return rows.map((r) => ({ day: r.day, comments: Number(r.comments), queue: Number(r.queue) }))
}
