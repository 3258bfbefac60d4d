import { sql, type Kysely } from 'kysely'
import { refuseIfBanned } from '../authors/ban-check.ts'
import type { Database, ReactionCounts, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { changeThreads, touchThread } from '../threads/thread-changes.ts'
import { lockComment } from './change-status.ts'
import { REACTIONS, type Reaction } from './reaction-kinds.ts'

/** Whether the site lets this reader react at all; throws the refusal they should see. */
export function refuseUnlessReactionsAllowed(site: SiteRow, isGuest: boolean): void {
  if (site.reactions === 'off') throw new AppError('reactions_off', 'This site has turned reactions off.')
  if (isGuest && site.reactions !== 'everyone') throw new AppError('unauthorized', 'Sign in to react to comments on this site.')
}

/**
 * Adds (`on`) or takes back one reaction of a reader on a published comment. The reaction and
 * the comment's count of that kind change in one transaction under the comment's row lock, so
 * the counts always equal the reactions. Doing what is already done changes nothing.
 */
export async function react(
  deps: Pick<Deps, 'db' | 'pages' | 'clock'>,
  site: SiteRow,
  input: { commentId: string; reactor: string; kind: Reaction; on: boolean },
): Promise<{ reactions: ReactionCounts; mine: Reaction[] }> {
  const now = deps.clock.now()
  refuseUnlessReactionsAllowed(site, input.reactor.startsWith('guest:'))
  await refuseIfBanned(deps.db, site.id, [input.reactor], now)
  return changeThreads(deps, async (trx) => {
    const comment = await lockComment(trx, site.id, input.commentId)
    if (!comment || comment.status !== 'published') throw new AppError('comment_not_found', 'That comment does not exist or cannot be reacted to.')
    const ofReader = { site_id: site.id, comment_id: comment.id, reactor: input.reactor }
    const changed = input.on
      ? await trx
          .insertInto('reactions')
          .values({ ...ofReader, kind: input.kind, created_at: now })
          .onConflict((oc) => oc.columns(['site_id', 'comment_id', 'reactor', 'kind']).doNothing())
          .returning('kind')
          .executeTakeFirst()
      : await trx.deleteFrom('reactions').where((eb) => eb.and({ ...ofReader, kind: input.kind })).returning('kind').executeTakeFirst()
    let reactions = comment.reactions
    if (changed) {
      const delta = input.on ? 1 : -1
      const count = sql<number>`coalesce((reactions ->> ${input.kind})::int, 0) + ${delta}`
      const row = await trx
        .updateTable('comments')
        // A kind nobody holds any more leaves the object, so a page carries only what is shown.
        .set({ reactions: sql`case when ${count} > 0 then jsonb_set(reactions, array[${input.kind}::text], to_jsonb(${count})) else reactions - ${input.kind}::text end` })
        .where('site_id', '=', site.id)
        .where('id', '=', comment.id)
        .returning('reactions')
        .executeTakeFirstOrThrow()
      reactions = row.reactions
      // Like scores, counts are shown when a page is next read, not announced one by one.
      await touchThread(trx, { siteId: site.id, thread: { id: comment.thread_id }, kind: 'quiet', now })
    }
    const held = await trx.selectFrom('reactions').select('kind').where((eb) => eb.and(ofReader)).execute()
    return { reactions, mine: inOrder(held.map((r) => r.kind)) }
  })
}

/** Kinds in the order the widget shows them, unknown ones (from a newer version) left out. */
export function inOrder(kinds: readonly string[]): Reaction[] {
  return REACTIONS.filter((kind) => kinds.includes(kind))
}

/** The reader's reactions on a page's comments, for the overlay on the public page. */
export async function readReactions(db: Kysely<Database>, siteId: string, key: string, reactor: string): Promise<Record<string, Reaction[]>> {
  const rows = await db
    .selectFrom('reactions as r')
    .innerJoin('comments as c', (j) => j.onRef('c.site_id', '=', 'r.site_id').onRef('c.id', '=', 'r.comment_id'))
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['r.comment_id', 'r.kind'])
    .where('r.site_id', '=', siteId)
    .where('r.reactor', '=', reactor)
    .where('t.key', '=', key)
    .execute()
  const byComment: Record<string, string[]> = {}
  for (const row of rows) (byComment[row.comment_id] ??= []).push(row.kind)
  return Object.fromEntries(Object.entries(byComment).map(([id, kinds]) => [id, inOrder(kinds)]))
}

/** Who reacted to a comment, by kind: the names of accounts (at most `names` per kind) and how many guests. */
export async function readReactors(db: Kysely<Database>, siteId: string, commentId: string, names = 20) {
  const rows = await db
    .selectFrom('reactions as r')
    .leftJoin('users as u', (j) => j.on('u.id', '=', sql<string>`case when r.reactor like 'user:%' then substr(r.reactor, 6)::uuid end`))
    .select(['r.kind', 'u.display_name'])
    .where('r.site_id', '=', siteId)
    .where('r.comment_id', '=', commentId)
    .orderBy('r.created_at')
    .execute()
  return inOrder(rows.map((r) => r.kind)).map((kind) => {
    const of = rows.filter((r) => r.kind === kind)
    const accounts = of.flatMap((r) => (r.display_name ? [r.display_name] : []))
    return { kind, count: of.length, names: accounts.slice(0, names), guests: of.length - accounts.length }
  })
}

/**
 * Takes back every reaction of a reader (a deleted account), recounting the comments they were
 * on from the reactions left. Returns the threads whose pages changed, for the caller to move on.
 */
export async function withdrawReactions(trx: Kysely<Database>, reactor: string): Promise<Array<{ site_id: string; thread_id: string }>> {
  const gone = await trx.deleteFrom('reactions').where('reactor', '=', reactor).returning(['site_id', 'comment_id']).execute()
  if (gone.length === 0) return []
  const recounted = await trx
    .updateTable('comments as c')
    .set({
      reactions: sql`coalesce((select jsonb_object_agg(k.kind, k.n) from (select r.kind, count(*)::int as n from reactions r
        where r.site_id = c.site_id and r.comment_id = c.id group by r.kind) k), '{}'::jsonb)`,
    })
    .where((eb) => eb.or(gone.map((g) => eb.and([eb('c.site_id', '=', g.site_id), eb('c.id', '=', g.comment_id)]))))
    .returning(['c.site_id', 'c.thread_id'])
    .execute()
  return recounted
}
