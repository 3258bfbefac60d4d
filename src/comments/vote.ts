import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { refuseIfBanned } from '../authors/ban-check.ts'
import type { Deps } from '../deps.ts'
import { changeThreads, touchThread } from '../threads/thread-changes.ts'

export type VoteValue = -1 | 0 | 1

/**
 * One vote per reader per comment, changeable; 0 takes it back. The vote and the comment's
 * counters change in one transaction under the comment's row lock, so the score always equals
 * the votes. Returns the new score.
 */
export async function castVote(
  deps: Pick<Deps, 'db' | 'pages'>,
  site: SiteRow,
  commentId: string,
  userId: string,
  value: VoteValue,
  now: Date,
): Promise<{ score: number; upvotes: number; downvotes: number }> {
  await refuseIfBanned(deps.db, site.id, [`user:${userId}`], now)
  return changeThreads(deps, async (trx) => {
    const comment = await trx
      .selectFrom('comments')
      .select(['id', 'thread_id', 'status', 'author_user_id'])
      .where('site_id', '=', site.id)
      .where('id', '=', commentId)
      .forUpdate()
      .executeTakeFirst()
    if (!comment || comment.status !== 'published')
      throw new AppError('comment_not_found', 'That comment does not exist or cannot be voted on.')
    if (comment.author_user_id === userId) throw new AppError('own_comment', 'You cannot vote on your own comment.')
    const previous = await trx
      .selectFrom('votes')
      .select('value')
      .where('site_id', '=', site.id)
      .where('comment_id', '=', commentId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    const before = previous?.value ?? 0
    if (value === 0) {
      await trx.deleteFrom('votes').where('site_id', '=', site.id).where('comment_id', '=', commentId).where('user_id', '=', userId).execute()
    } else {
      await trx
        .insertInto('votes')
        .values({ site_id: site.id, comment_id: commentId, user_id: userId, value, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['site_id', 'comment_id', 'user_id']).doUpdateSet({ value, updated_at: now }))
        .execute()
    }
    const up = (value === 1 ? 1 : 0) - (before === 1 ? 1 : 0)
    const down = (value === -1 ? 1 : 0) - (before === -1 ? 1 : 0)
    const counted = await trx
      .updateTable('comments')
      .set((eb) => ({ upvotes: eb('upvotes', '+', up), downvotes: eb('downvotes', '+', down), score: eb('score', '+', up - down) }))
      .where('site_id', '=', site.id)
      .where('id', '=', commentId)
      .returning(['score', 'upvotes', 'downvotes'])
      .executeTakeFirstOrThrow()
    // Scores change too often to announce each one: pages show them when next read.
    await touchThread(trx, { siteId: site.id, thread: { id: comment.thread_id }, kind: 'quiet', now })
    return counted
  })
}

/** The reader's votes on a page's comments, for the overlay on the public page. */
export async function readVotes(db: Kysely<Database>, siteId: string, key: string, userId: string) {
  const rows = await db
    .selectFrom('votes as v')
    .innerJoin('comments as c', (j) => j.onRef('c.site_id', '=', 'v.site_id').onRef('c.id', '=', 'v.comment_id'))
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['v.comment_id', 'v.value'])
    .where('v.site_id', '=', siteId)
    .where('v.user_id', '=', userId)
    .where('t.key', '=', key)
    .execute()
  return Object.fromEntries(rows.map((r) => [r.comment_id, r.value]))
}
