import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { ActivityPeriod, CommunityPosition } from './community-cursor.ts'

const PERIOD_DAYS: Record<ActivityPeriod, number> = { day: 1, week: 7, month: 30 }

/** The start of a recent window, to the minute: requests within one minute share a page (and its cache entry). */
export function windowStart(period: ActivityPeriod, now: Date): Date {
  const start = now.getTime() - PERIOD_DAYS[period] * 86_400_000
  return new Date(start - (start % 60_000))
}

const threadColumns = ['t.id as thread_id', 't.key as thread_key', 't.url as thread_url', 't.title as thread_title', 't.locked_at as thread_locked_at', 't.comment_count as thread_total'] as const

/**
 * The site's newest published comments, each with its thread: one range of the partial index
 * of published comments by time (comments_site_published_idx), joined to threads by key.
 * Pending, hidden, spam, shadowed and deleted comments are not published, so never listed.
 */
export function readLatestComments(
  db: Kysely<Database>,
  siteId: string,
  limit: number,
  after?: Extract<CommunityPosition, { t: 'latest' }>,
  /** One reader's comments only (their profile): a range of comments_site_author_published_idx. */
  authorUserId?: string,
) {
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (join) => join.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['c.id', 'c.site_id', 'c.parent_id', 'c.author_user_id', 'c.author_fingerprint', 'c.author_name', 'c.author_role', 'c.author_profile', 'c.body_html', 'c.score', 'c.reply_count', 'c.created_at', 'c.edited_at', ...threadColumns])
    .where('c.site_id', '=', siteId)
    .where('c.status', '=', 'published')
    .$if(authorUserId !== undefined, (q) => q.where('c.author_user_id', '=', authorUserId ?? ''))
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(c.created_at, c.id) < (${new Date(after?.at ?? 0)}, ${after?.id}::uuid)`))
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1)
    .execute()
}
export type LatestCommentRow = Awaited<ReturnType<typeof readLatestComments>>[number]

/**
 * Threads by how many published comments they gained since `since` (then by their last one):
 * the window's range of the same index, counted per thread, joined to threads.
 */
export function readActiveThreads(db: Kysely<Database>, siteId: string, since: Date, limit: number, after?: Extract<CommunityPosition, { t: 'active' }>) {
  return db
    .with('a', (q) =>
      q
        .selectFrom('comments')
        .select(['thread_id', sql<number>`count(*)::int`.as('n'), sql<Date>`max(created_at)`.as('last_at')])
        .where('site_id', '=', siteId)
        .where('status', '=', 'published')
        .where('created_at', '>=', since)
        .groupBy('thread_id'),
    )
    .selectFrom('a')
    .innerJoin('threads as t', (join) => join.on('t.site_id', '=', siteId).onRef('t.id', '=', 'a.thread_id'))
    .select(['a.n', 'a.last_at', ...threadColumns])
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(a.n, a.last_at, t.id) < (${after?.n}::int, ${new Date(after?.at ?? 0)}, ${after?.id}::uuid)`))
    .orderBy('a.n', 'desc')
    .orderBy('a.last_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit + 1)
    .execute()
}
export type ActiveThreadRow = Awaited<ReturnType<typeof readActiveThreads>>[number]

/** Every thread with something to read, newest first: a range of threads_site_created_idx. */
export function readThreadList(db: Kysely<Database>, siteId: string, limit: number, after?: Extract<CommunityPosition, { t: 'threads' }>) {
  return db
    .selectFrom('threads as t')
    .select([...threadColumns, 't.created_at', 't.updated_at'])
    .where('t.site_id', '=', siteId)
    // A thread whose every comment waits for a moderator (or was removed) shows nothing yet.
    .where('t.comment_count', '>', 0)
    .$if(after !== undefined, (q) => q.where(sql<boolean>`(t.created_at, t.id) < (${new Date(after?.at ?? 0)}, ${after?.id}::uuid)`))
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit + 1)
    .execute()
}
export type ListedThreadRow = Awaited<ReturnType<typeof readThreadList>>[number]
