import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import { refuseIfBanned } from '../authors/ban-check.ts'
import { holdStanding } from '../authors/standing-lock.ts'
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
 * the counts always equal the counted reactions. A reader shadow-banned on the site reacts as
 * anyone does, but uncounted: only they see it, in the counts they are given back here and as
 * theirs. Doing what is already done changes nothing.
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
    await holdStanding(trx, site.id, input.reactor, false)
    const comment = await lockComment(trx, site.id, input.commentId)
    if (!comment || comment.status !== 'published') throw new AppError('comment_not_found', 'That comment does not exist or cannot be reacted to.')
    const ofReader = { site_id: site.id, comment_id: comment.id, reactor: input.reactor }
    // The standing is read in the insert itself: shadow bans key authors as reactions key readers.
    const shadowBanned = sql<boolean>`coalesce((select shadow_banned from site_authors where site_id = ${site.id} and author = ${input.reactor}), false)`
    const changed = input.on
      ? await trx
          .insertInto('reactions')
          .values({ ...ofReader, kind: input.kind, counted: sql<boolean>`not ${shadowBanned}`, created_at: now })
          .onConflict((oc) => oc.columns(['site_id', 'comment_id', 'reactor', 'kind']).doNothing())
          .returning('counted')
          .executeTakeFirst()
      : await trx.deleteFrom('reactions').where((eb) => eb.and({ ...ofReader, kind: input.kind })).returning('counted').executeTakeFirst()
    let reactions = comment.reactions
    if (changed?.counted) {
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
    const held = await trx.selectFrom('reactions').select(['kind', 'counted']).where((eb) => eb.and(ofReader)).execute()
    // Their own uncounted reactions are in the counts they see, so nothing tells them they are not in everyone's.
    const seen = { ...reactions }
    for (const r of held) if (!r.counted) seen[r.kind] = (seen[r.kind] ?? 0) + 1
    return { reactions: seen, mine: inOrder(held.map((r) => r.kind)) }
  })
}

/** Kinds in the order the widget shows them, unknown ones (from a newer version) left out. */
export function inOrder(kinds: readonly string[]): Reaction[] {
  return REACTIONS.filter((kind) => kinds.includes(kind))
}

/**
 * The reader's reactions on a page's comments, for the overlay on the public page (`mine`), and
 * where their own are not in everyone's counts (shadow-banned), the counts as they are to see them.
 */
export async function readReactions(db: Kysely<Database>, siteId: string, key: string, reactor: string): Promise<{ mine: Record<string, Reaction[]>; counts: Record<string, ReactionCounts> }> {
  const rows = await db
    .selectFrom('reactions as r')
    .innerJoin('comments as c', (j) => j.onRef('c.site_id', '=', 'r.site_id').onRef('c.id', '=', 'r.comment_id'))
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['r.comment_id', 'r.kind', 'r.counted', 'c.reactions'])
    .where('r.site_id', '=', siteId)
    .where('r.reactor', '=', reactor)
    .where('t.key', '=', key)
    .execute()
  const byComment: Record<string, string[]> = {}
  // A shadow-banned reader's own reactions are in the counts they see, as react() gives them back.
  const counts: Record<string, ReactionCounts> = {}
  for (const row of rows) {
    ;(byComment[row.comment_id] ??= []).push(row.kind)
    if (row.counted) continue
    const seen = (counts[row.comment_id] ??= { ...row.reactions })
    seen[row.kind] = (seen[row.kind] ?? 0) + 1
  }
  return { mine: Object.fromEntries(Object.entries(byComment).map(([id, kinds]) => [id, inOrder(kinds)])), counts }
}

/** The account of a reaction's reader (`reactions as r`): its id for `user:…`, null for a guest. */
export const REACTOR_ACCOUNT = sql<string>`case when r.reactor like 'user:%' then substr(r.reactor, 6)::uuid end`

/**
 * Who reacted to a comment, by kind: the names of accounts (at most `names` per kind) and how
 * many guests, of the counted reactions and the viewer's own. A moderator also learns how many
 * reactions of shadow-banned readers are left out (`uncounted`), nobody else learns they exist,
 * and who reacted by author key (`authors`), so a reader who only reacts can be moderated.
 */
export async function readReactors(db: Kysely<Database>, siteId: string, commentId: string, viewer: { reactor: string; moderates: boolean }, names = 20) {
  const rows = await db
    .selectFrom('reactions as r')
    .leftJoin('users as u', (j) => j.on('u.id', '=', REACTOR_ACCOUNT))
    .select(['r.kind', 'r.reactor', 'u.display_name', sql<boolean>`r.counted or r.reactor = ${viewer.reactor}`.as('shown')])
    .where('r.site_id', '=', siteId)
    .where('r.comment_id', '=', commentId)
    .$if(!viewer.moderates, (qb) => qb.where((eb) => eb.or([eb('r.counted', '=', true), eb('r.reactor', '=', viewer.reactor)])))
    .orderBy('r.created_at')
    .execute()
  return inOrder(rows.map((r) => r.kind)).map((kind) => {
    const of = rows.filter((r) => r.kind === kind && r.shown)
    const accounts = of.flatMap((r) => (r.display_name ? [r.display_name] : []))
    const shown = { kind, count: of.length, names: accounts.slice(0, names), guests: of.length - accounts.length }
    if (!viewer.moderates) return shown
    const all = rows.filter((r) => r.kind === kind)
    const authors = all.slice(0, names).map((r) => ({ author: r.reactor, name: r.display_name ?? null }))
    return { ...shown, uncounted: all.filter((r) => !r.shown).length, authors }
  })
}

/** What a comment's counts are made of: its counted reactions, by kind. */
const COUNTED = sql<ReactionCounts>`coalesce((select jsonb_object_agg(k.kind, k.n) from (select r.kind, count(*)::int as n from reactions r
  where r.site_id = comments.site_id and r.comment_id = comments.id and r.counted group by r.kind) k), '{}'::jsonb)`

type CommentRef = { site_id: string; comment_id: string }

/**
 * Locks comments, always in one order (site, id), so bulk changes of reactions never hold
 * each other's locks in a circle; react() takes its comment's lock before it touches a reaction.
 */
async function lockComments(trx: Kysely<Database>, which: (eb: ExpressionBuilder<Database, 'comments'>) => Expression<SqlBool>): Promise<void> {
  await trx.selectFrom('comments').select('id').where(which).orderBy('site_id').orderBy('id').forUpdate().execute()
}

/**
 * Changes reactions of one reader on many comments at once (`of`: their reactions on the site,
 * or everywhere, that are `counted` or not; `change` returns those it changed) and counts their
 * comments again. The comments are locked first; the recount, a statement begun with the locks
 * held, sees every reaction they have, and none can come or go meanwhile. Returns the threads
 * of the recounted comments.
 */
async function changeInBulk(
  trx: Kysely<Database>,
  of: { reactor: string; siteId?: string; counted: boolean },
  change: () => Promise<CommentRef[]>,
): Promise<Array<{ site_id: string; thread_id: string }>> {
  let reacted = trx.selectFrom('reactions').select(['site_id', 'comment_id']).where('reactor', '=', of.reactor).where('counted', '=', of.counted)
  if (of.siteId !== undefined) reacted = reacted.where('site_id', '=', of.siteId)
  await lockComments(trx, (eb) => eb(eb.refTuple('site_id', 'id'), 'in', reacted.$asTuple('site_id', 'comment_id')))
  const changed = [...new Map((await change()).map((r) => [`${r.site_id} ${r.comment_id}`, r])).values()]
  if (changed.length === 0) return []
  const these = (eb: ExpressionBuilder<Database, 'comments'>) => eb(eb.refTuple('site_id', 'id'), 'in', changed.map((r) => eb.tuple(r.site_id, r.comment_id)))
  // Held already, but for a reaction given since the first lock (the reader reacting as this runs).
  await lockComments(trx, these)
  return trx.updateTable('comments').set({ reactions: COUNTED }).where(these).returning(['site_id', 'thread_id']).execute()
}

/**
 * A reader's reactions on a site stop counting (`counted: false`, as they are shadow-banned) or
 * count again, in the caller's transaction; the pages whose counts changed are read anew.
 */
export async function countReactionsOf(trx: Kysely<Database>, input: { siteId: string; reactor: string; counted: boolean; now: Date }): Promise<void> {
  const recounted = await changeInBulk(trx, { reactor: input.reactor, siteId: input.siteId, counted: !input.counted }, () =>
    trx
      .updateTable('reactions')
      .set({ counted: input.counted })
      .where('site_id', '=', input.siteId)
      .where('reactor', '=', input.reactor)
      .where('counted', '=', !input.counted)
      .returning(['site_id', 'comment_id'])
      .execute(),
  )
  for (const threadId of new Set(recounted.map((r) => r.thread_id)))
    await touchThread(trx, { siteId: input.siteId, thread: { id: threadId }, kind: 'quiet', now: input.now })
}

/**
 * Takes back every reaction of a reader (a deleted account), recounting the comments they
 * counted on. Returns the threads whose pages changed, for the caller to move on.
 */
export async function withdrawReactions(trx: Kysely<Database>, reactor: string): Promise<Array<{ site_id: string; thread_id: string }>> {
  return changeInBulk(trx, { reactor, counted: true }, async () => {
    const gone = await trx.deleteFrom('reactions').where('reactor', '=', reactor).returning(['site_id', 'comment_id', 'counted']).execute()
    return gone.filter((r) => r.counted)
  })
}
