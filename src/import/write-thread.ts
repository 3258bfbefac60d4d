import { sql, type Kysely } from 'kysely'
import { attachAncestors } from '../comments/tree-counts.ts'
import type { Database } from '../db/schema.ts'
import type { PageRef } from '../threads/thread-key.ts'
import { BATCH, insertBatch, newAdded, parseDate, staged } from './write-comments.ts'
import type { WriteContext } from './write-context.ts'
import { importedPage } from './imported-page.ts'
import { placeComments, STATUS_OF, type CommentToPlace, type PlacedParent, type Placement } from './place-comments.ts'
import type { ImportedState } from './records.ts'
import type { StagedThread } from './stage.ts'
import { REASONS } from './summary.ts'
import { lockCommentsOf, renumberByDate } from '../threads/renumber.ts'
import { changeThreads, touchThread } from '../threads/thread-changes.ts'

/** A date this far past the import is a clock gone wrong, not a comment from the future. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000

interface Skeleton {
  n: number
  source_id: string
  parent_source_id: string | null
  created_at: string | null
  state: ImportedState
}

const describeComment = (sourceId: string, threadSourceId: string) => `comment ${sourceId} (thread ${threadSourceId})`

/**
 * Phase two, one thread: everything it adds (the thread, its comments, their source ids, the
 * counters of the thread and of comments they reply to) commits together or not at all, so an
 * import that stops half-way leaves whole threads, and running it again adds only the rest.
 * Returns the thread key when something was written.
 */
export async function writeThread(ctx: WriteContext, threadSourceId: string): Promise<string | undefined> {
  const { summary } = ctx
  // Only what placing the comments needs: the bodies are read a batch at a time below.
  const skeleton: Skeleton[] = await staged(ctx)
    .select(['n', 'source_id', 'parent_source_id', sql<string | null>`data->>'createdAt'`.as('created_at'), sql<ImportedState>`data->>'state'`.as('state')])
    .where('thread_source_id', '=', threadSourceId)
    .where('kind', '=', 'comment')
    .orderBy('n')
    .execute()
  const threadRow = await staged(ctx).select('data').where('kind', '=', 'thread').where('source_id', '=', threadSourceId).executeTakeFirst()
  const skipAll = (reason: string) => summary.skipped.add(reason, describeComment(skeleton[0]?.source_id ?? '?', threadSourceId), skeleton.length)

  const mappedThreadId = await findTarget(ctx, 'thread', threadSourceId)
  if (!threadRow && !mappedThreadId) return void skipAll(REASONS.threadNotFound)
  const thread = threadRow?.data as StagedThread | undefined
  let page: PageRef | undefined
  if (thread) {
    const resolved = importedPage(ctx.site.allowed_origins, thread, ctx.origins)
    if ('skipped' in resolved) {
      summary.skipped.add(resolved.skipped, `thread ${threadSourceId}: ${thread.url || '(no URL)'}`)
      return void skipAll(REASONS.threadSkipped)
    }
    page = resolved.page
  }

  const threadDate = parseDate(thread?.createdAt ?? null)
  const repairs: Array<{ n: number; reason: string }> = []
  const comments: CommentToPlace[] = skeleton.map((s) => {
    let date = parseDate(s.created_at)
    if (!date) {
      repairs.push({ n: s.n, reason: REASONS.invalidDate })
      date = threadDate ?? ctx.now
    } else if (date.getTime() > ctx.now.getTime() + FUTURE_SLACK_MS) {
      repairs.push({ n: s.n, reason: REASONS.futureDate })
      date = ctx.now
    }
    return { n: s.n, sourceId: s.source_id, parentSourceId: s.parent_source_id, createdAt: date, status: STATUS_OF[s.state] ?? 'pending' }
  })

  // Imported before, all of it (the usual case when a file is imported again): nothing to lock.
  const doneBefore = await findTargets(ctx.db, ctx, 'comment', comments.map((c) => c.sourceId))
  if (doneBefore.size === comments.length) {
    summary.comments.alreadyImported += comments.length
    summary.threads.unchanged++
    return undefined
  }

  const written = await changeThreads(ctx, async (trx) => {
    await lockCommentsOf(trx, ctx.site.id, { ids: mappedThreadId ? [mappedThreadId] : [], keys: page ? [page.key] : [] })
    const t = await lockThread(trx, ctx, { mappedThreadId, page, thread, firstDate: minDate(comments) ?? ctx.now })
    if (!t) return undefined
    // Read again under the thread's lock, so two runs of one file cannot both add a comment.
    const done = await findTargets(trx, ctx, 'comment', comments.map((c) => c.sourceId))
    const fresh = comments.filter((c) => !done.has(c.sourceId))
    await trx
      .insertInto('import_sources')
      .values({ site_id: ctx.site.id, format: ctx.format, kind: 'thread', source_id: threadSourceId, target_id: t.id })
      .onConflict((oc) => oc.columns(['site_id', 'format', 'kind', 'source_id']).doUpdateSet({ target_id: t.id }))
      .execute()
    if (fresh.length === 0) return { key: t.key, created: t.created, added: newAdded(), fresh }

    const parents = await existingParents(trx, ctx, t.id, fresh, done)
    const placed = placeComments(fresh, parents.inThread, (id) => parents.elsewhere.has(id), t.last_seq)
    const order = fresh
      .map((c) => ({ c, p: placed.placements.get(c.n) as Placement }))
      .sort((a, b) => a.p.depth - b.p.depth || a.p.seq - b.p.seq)
    const added = newAdded()
    for (let i = 0; i < order.length; i += BATCH) await insertBatch(trx, ctx, t.id, order.slice(i, i + BATCH), added, repairs)
    // A reply to a comment of an earlier import: its ancestors gain a visible reply, as when posting.
    for (const { n } of placed.attachedToExisting) {
      const p = placed.placements.get(n) as Placement
      await attachAncestors(trx, { site_id: ctx.site.id, thread_id: t.id, depth: p.depth, path: p.path })
    }
    await touchThread(trx, {
      siteId: ctx.site.id,
      thread: { id: t.id },
      kind: 'renewed',
      visibleDelta: added.byState.published,
      set: { last_seq: t.last_seq + fresh.length },
      now: ctx.now,
    })
    // The thread had comments already (posted here, or from another file): old ones take their place by date.
    if (t.last_seq > 0) await renumberByDate(trx, ctx.site.id, t.id)
    await restorePin(trx, ctx, t.id, thread?.pinnedSourceId, (sourceId) => {
      const c = fresh.find((f) => f.sourceId === sourceId)
      return done.get(sourceId) ?? (c && placed.placements.get(c.n)?.id)
    })
    repairs.push(...placed.repairs)
    return { key: t.key, created: t.created, added, fresh }
  })
  if (!written) return void skipAll(REASONS.threadNotFound)
  const { added } = written
  summary.comments.alreadyImported += comments.length - written.fresh.length
  summary.comments.imported += added.imported
  summary.comments.linkedToAccounts += added.linked
  for (const [state, count] of Object.entries(added.byState)) summary.comments.byState[state as ImportedState] += count
  if (added.imported === 0) summary.threads.unchanged++
  else if (written.created) summary.threads.created++
  else summary.threads.updated++
  // Only what this run wrote was repaired by it.
  const writtenIds = new Map(written.fresh.map((c) => [c.n, c.sourceId]))
  for (const r of repairs.sort((a, b) => a.n - b.n)) {
    const sourceId = writtenIds.get(r.n)
    if (sourceId !== undefined) summary.repaired.add(r.reason, describeComment(sourceId, threadSourceId))
  }
  return added.imported > 0 ? written.key : undefined
}

function minDate(comments: readonly CommentToPlace[]): Date | undefined {
  let min: Date | undefined
  for (const c of comments) if (!min || c.createdAt < min) min = c.createdAt
  return min
}

async function findTarget(ctx: WriteContext, kind: 'thread' | 'comment', sourceId: string): Promise<string | undefined> {
  return (await findTargets(ctx.db, ctx, kind, [sourceId])).get(sourceId)
}

/** What earlier imports of this site and format made of these source records. */
/** The source's pinned comment pinned again, unless a moderator here has pinned one since. */
async function restorePin(trx: Kysely<Database>, ctx: WriteContext, threadId: string, pinnedSourceId: string | undefined, idOf: (sourceId: string) => string | undefined) {
  const id = pinnedSourceId && idOf(pinnedSourceId)
  if (!id) return
  await trx
    .updateTable('threads')
    .set({ pinned_comment_id: id })
    .where('site_id', '=', ctx.site.id)
    .where('id', '=', threadId)
    .where('pinned_comment_id', 'is', null)
    .execute()
}

async function findTargets(db: Kysely<Database>, ctx: WriteContext, kind: 'thread' | 'comment', sourceIds: readonly string[]) {
  if (sourceIds.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('import_sources')
    .select(['source_id', 'target_id'])
    .where('site_id', '=', ctx.site.id)
    .where('format', '=', ctx.format)
    .where('kind', '=', kind)
    .where('source_id', '=', sql<string>`any(${sourceIds}::text[])`)
    .execute()
  return new Map(rows.map((r) => [r.source_id, r.target_id]))
}

/**
 * The thread the comments go to, locked: the one an earlier import of this thread made (even
 * if it was moved since), else the one at the page's key, else a new one. Locked threads take
 * imports too: an import restores what was, it does not post.
 */
async function lockThread(
  trx: Kysely<Database>,
  ctx: WriteContext,
  input: { mappedThreadId: string | undefined; page: PageRef | undefined; thread: StagedThread | undefined; firstDate: Date },
): Promise<{ id: string; key: string; last_seq: number; created: boolean } | undefined> {
  if (input.mappedThreadId) {
    const row = await trx
      .selectFrom('threads')
      .select(['id', 'key', 'last_seq'])
      .where('site_id', '=', ctx.site.id)
      .where('id', '=', input.mappedThreadId)
      .forUpdate()
      .executeTakeFirst()
    if (row) return { ...row, created: false }
  }
  const { page, thread } = input
  if (!page) return undefined
  const createdAt = parseDate(thread?.createdAt ?? null) ?? input.firstDate
  const { rows } = await sql<{ id: string; key: string; last_seq: number; created: boolean }>`
    insert into threads as t (site_id, key, url, title, comment_count, last_seq, version, locked_at, created_at, updated_at)
    values (${ctx.site.id}, ${page.key}, ${page.url}, ${thread?.title?.trim() ?? ''}, 0, 0, 1,
      ${thread?.locked ? (parseDate(thread.lockedAt ?? null) ?? ctx.now) : null}, ${createdAt}, ${ctx.now})
    on conflict (site_id, key) do update set title = coalesce(nullif(t.title, ''), excluded.title)
    returning t.id, t.key, t.last_seq, (xmax = 0) as created`.execute(trx)
  return rows[0]
}

/**
 * Comments already in the database that new ones reply to (imported before, by this or an
 * earlier run), and parents that exist but on another page of the file or the site.
 */
async function existingParents(
  trx: Kysely<Database>,
  ctx: WriteContext,
  threadId: string,
  fresh: readonly CommentToPlace[],
  done: ReadonlyMap<string, string>,
) {
  const freshIds = new Set(fresh.map((c) => c.sourceId))
  const outside = [...new Set(fresh.map((c) => c.parentSourceId).filter((p): p is string => p !== null && !freshIds.has(p)))]
  const inThread = new Map<string, PlacedParent>()
  const elsewhere = new Set<string>()
  if (outside.length === 0) return { inThread, elsewhere }
  const targets = new Map(done)
  for (const [s, t] of await findTargets(trx, ctx, 'comment', outside.filter((p) => !done.has(p)))) targets.set(s, t)
  const wanted = outside.filter((p) => targets.has(p))
  const rows = wanted.length
    ? await trx
        .selectFrom('comments')
        .select(['id', 'thread_id', 'parent_id', 'root_id', 'path', 'depth'])
        .where('site_id', '=', ctx.site.id)
        .where('id', 'in', wanted.map((p) => targets.get(p) as string))
        .execute()
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  for (const p of wanted) {
    const row = byId.get(targets.get(p) as string)
    if (row?.thread_id === threadId) inThread.set(p, { id: row.id, parentId: row.parent_id, rootId: row.root_id, path: row.path, depth: row.depth })
    else if (row) elsewhere.add(p)
  }
  // A parent staged under another thread of this file.
  const unknown = outside.filter((p) => !targets.has(p))
  if (unknown.length > 0) {
    const others = await staged(ctx, trx)
      .select('source_id')
      .where('kind', '=', 'comment')
      .where('source_id', '=', sql<string>`any(${unknown}::text[])`)
      .execute()
    for (const o of others) elsewhere.add(o.source_id)
  }
  return { inThread, elsewhere }
}

