import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { CommentRow, Database, ThreadRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { MAX_PAGE_COMMENTS } from './schemas.ts'
import { encodeCursor, type BranchPosition, type PagePosition, type Sort } from './cursor.ts'
import { visibleInTree } from './visibility.ts'

export interface PageRequest {
  siteId: string
  key: string
  sort: Sort
  limit: number
  repliesPerBranch: number
  after?: PagePosition
  /** A permalink: this comment's branch is read far enough to include it. */
  around?: CommentLocation
}

export interface ThreadPage {
  thread: ThreadRow | null
  comments: CommentRow[]
  nextCursor: string | null
  /** For each top-level comment whose replies were cut: where the rest continue. */
  branchCursors: Map<string, string>
}

type CommentsEb = ExpressionBuilder<Database & { c: Database['comments'] }, 'c'>

function afterPosition(eb: CommentsEb, sort: Sort, after: PagePosition | undefined) {
  if (!after) return eb.lit(true)
  if (sort === 'oldest') return eb('c.seq', '>', after.seq)
  if (sort === 'newest') return eb('c.seq', '<', after.seq)
  return eb(eb.refTuple('c.score', 'c.seq'), '<', eb.tuple(after.score ?? 0, after.seq))
}

function positionOf(sort: Sort, row: CommentRow): PagePosition {
  return sort === 'top' ? { t: 'page', sort, seq: row.seq, score: row.score } : { t: 'page', sort, seq: row.seq }
}

/**
 * Query 1 of a page: the thread and, joined laterally, one index range of its top-level
 * comments in the chosen order after the cursor. No thread row means an empty thread.
 */
async function readThreadAndTopLevel(db: Kysely<Database>, request: PageRequest) {
  const rows = await db
    .selectFrom('threads as t')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('comments as c')
          .selectAll('c')
          .where('c.site_id', '=', request.siteId)
          .whereRef('c.thread_id', '=', 't.id')
          .where('c.parent_id', 'is', null)
          .where(visibleInTree('c'))
          .where(sql<boolean>`c.id is distinct from t.pinned_comment_id`)
          .where((eb) => afterPosition(eb, request.sort, request.after))
          .$call((q) =>
            request.sort === 'oldest'
              ? q.orderBy('c.seq', 'asc')
              : request.sort === 'newest'
                ? q.orderBy('c.seq', 'desc')
                : q.orderBy('c.score', 'desc').orderBy('c.seq', 'desc'),
          )
          .limit(request.limit + 1)
          .as('c'),
      (join) => join.onTrue(),
    )
    .select([
      't.id as t_id', 't.key as t_key', 't.url as t_url', 't.title as t_title', 't.comment_count as t_comment_count',
      't.last_seq as t_last_seq', 't.version as t_version', 't.locked_at as t_locked_at',
      't.pinned_comment_id as t_pinned_comment_id', 't.created_at as t_created_at', 't.updated_at as t_updated_at',
    ])
    .selectAll('c')
    .where('t.site_id', '=', request.siteId)
    .where('t.key', '=', request.key)
    .execute()
  const first = rows[0]
  if (!first) return { thread: null, topLevel: [] }
  const thread: ThreadRow = {
    site_id: request.siteId, id: first.t_id, key: first.t_key, url: first.t_url, title: first.t_title,
    comment_count: first.t_comment_count, last_seq: first.t_last_seq, version: first.t_version,
    locked_at: first.t_locked_at, pinned_comment_id: first.t_pinned_comment_id, created_at: first.t_created_at, updated_at: first.t_updated_at,
  }
  const topLevel = rows.filter((r) => r.id !== null) as unknown as CommentRow[]
  return { thread, topLevel }
}

/**
 * Query 2: for each top-level comment, the first `take` replies of its branch depth-first
 * (one index range each on comments_branch_idx). A depth-first prefix holds every shown
 * reply's parent, so the page nests without gaps.
 */
async function readBranches(
  db: Kysely<Database>,
  siteId: string,
  threadId: string,
  branches: ReadonlyArray<{ rootId: string; take: number; afterPath?: number[]; withRoot?: boolean }>,
): Promise<CommentRow[]> {
  if (branches.length === 0) return []
  const roots = branches.map((b) => b.rootId)
  const takes = branches.map((b) => b.take)
  const withRoots = branches.map((b) => b.withRoot ?? false)
  const afterPath = branches.length === 1 ? (branches[0]?.afterPath ?? null) : null
  // Each root is found by its primary key, then checked to be a visible top-level comment of
  // this thread (a cursor could name any comment). Those checks are written so that no index
  // can serve them: without statistics (after a bulk import) the planner would otherwise read
  // a large thread through its thread-wide index, every comment once per branch.
  const { rows } = await sql<CommentRow>`
    select c.* from unnest(${roots}::uuid[], ${takes}::int[], ${withRoots}::bool[]) as b(root_id, take, with_root)
    join comments r on r.site_id = ${siteId} and r.id = b.root_id
    cross join lateral (
      select * from comments c
      where c.site_id = ${siteId} and c.root_id = r.id and c.depth > case when b.with_root then -1 else 0 end
        and ${visibleInTree('c')}
        and (${afterPath}::int[] is null or c.path > ${afterPath}::int[])
      order by c.path
      limit b.take
    ) c
    where (r.thread_id = ${threadId} and r.depth = 0
      and ${visibleInTree('r')}) is true`.execute(db)
  return rows
}

/** Each branch was read one past what it shows: that extra row says the branch continues. */
function cutBranches(replies: CommentRow[], shows: ReadonlyMap<string, number>) {
  const kept: CommentRow[] = []
  const cursors = new Map<string, string>()
  const seen = new Map<string, number>()
  for (const reply of replies) {
    const n = (seen.get(reply.root_id) ?? 0) + 1
    const show = shows.get(reply.root_id) ?? 0
    seen.set(reply.root_id, n)
    if (n <= show) kept.push(reply)
    else if (n === show + 1) {
      const last = kept[kept.length - 1]
      if (last) cursors.set(reply.root_id, encodeCursor({ t: 'branch', root: reply.root_id, path: last.path }))
    }
  }
  return { kept, cursors }
}

/**
 * A page of a thread in at most two index-backed queries, whatever the thread's size. A pinned
 * comment leads the first page: query 1 leaves it out of the order, query 2 reads it with its
 * branch (its path sorts first there).
 */
export async function readThreadPage(db: Kysely<Database>, request: PageRequest): Promise<ThreadPage> {
  const { thread, topLevel } = await readThreadAndTopLevel(db, request)
  if (!thread) return { thread: null, comments: [], nextCursor: null, branchCursors: new Map() }
  const pinnedId = request.after || request.around ? null : thread.pinned_comment_id
  const shown = topLevel.slice(0, request.limit)
  const last = shown[shown.length - 1]
  const nextCursor = topLevel.length > request.limit && last ? encodeCursor(positionOf(request.sort, last)) : null
  const shows = new Map(
    shown.map((c) => [
      c.id,
      // A permalink deeper than a page's worth into its branch lands on the page without it,
      // with the branch's cursor to read on.
      c.id === request.around?.root_id
        ? Math.min(Math.max(request.repliesPerBranch, request.around.replies_before), MAX_PAGE_COMMENTS)
        : request.repliesPerBranch,
    ]),
  )
  if (pinnedId) shows.set(pinnedId, request.repliesPerBranch)
  const branches = [
    ...(pinnedId ? [{ rootId: pinnedId, take: request.repliesPerBranch + 2, withRoot: true }] : []),
    ...shown.filter((c) => c.reply_count > 0 && (shows.get(c.id) ?? 0) > 0).map((c) => ({ rootId: c.id, take: (shows.get(c.id) ?? 0) + 1 })),
  ]
  const rows = await readBranches(db, request.siteId, thread.id, branches)
  const pinned = rows.filter((r) => r.depth === 0)
  const { kept, cursors } = cutBranches(rows.filter((r) => r.depth > 0), shows)
  // A branch shown without any of its replies is cut before its first one: it starts after its root.
  for (const c of shown) if (c.reply_count > 0 && shows.get(c.id) === 0) cursors.set(c.id, encodeCursor({ t: 'branch', root: c.id, path: c.path }))
  return { thread, comments: [...pinned, ...shown, ...kept], nextCursor, branchCursors: cursors }
}

/**
 * The comments published after `since` (a page's lastSeq), oldest first, at most `limit`; the
 * thread as it stood, its lastSeq where this answer stops. Every comment up to the thread's
 * last_seq was committed with it (seq is taken under the thread's row), so reading the thread
 * first and only up to its last_seq misses none and says where to go on from.
 */
export async function readSince(db: Kysely<Database>, request: { siteId: string; key: string; since: number; limit: number }): Promise<ThreadPage> {
  const thread = await db.selectFrom('threads').selectAll().where('site_id', '=', request.siteId).where('key', '=', request.key).executeTakeFirst()
  if (!thread) return { thread: null, comments: [], nextCursor: null, branchCursors: new Map() }
  const comments = await db
    .selectFrom('comments')
    .selectAll()
    .where('site_id', '=', request.siteId)
    .where('thread_id', '=', thread.id)
    .where('seq', '>', request.since)
    .where('seq', '<=', thread.last_seq)
    .where('status', '=', 'published')
    .orderBy('seq')
    .limit(request.limit + 1)
    .execute()
  const shown = comments.slice(0, request.limit)
  const cut = comments.length > request.limit ? shown[shown.length - 1] : undefined
  return { thread: cut ? { ...thread, last_seq: cut.seq } : thread, comments: shown, nextCursor: null, branchCursors: new Map() }
}

export interface BranchRequest {
  siteId: string
  key: string
  limit: number
  after: BranchPosition
}

/** The rest of one cut branch, continuing depth-first after the cursor. */
export async function readBranchPage(db: Kysely<Database>, request: BranchRequest): Promise<ThreadPage> {
  const thread = await db
    .selectFrom('threads')
    .selectAll()
    .where('site_id', '=', request.siteId)
    .where('key', '=', request.key)
    .executeTakeFirst()
  if (!thread) return { thread: null, comments: [], nextCursor: null, branchCursors: new Map() }
  const rows = await readBranches(db, request.siteId, thread.id, [
    { rootId: request.after.root, take: request.limit + 1, afterPath: request.after.path },
  ])
  const shown = rows.slice(0, request.limit)
  const last = shown[shown.length - 1]
  const nextCursor =
    rows.length > request.limit && last ? encodeCursor({ t: 'branch', root: request.after.root, path: last.path }) : null
  return { thread, comments: shown, nextCursor, branchCursors: new Map() }
}

export interface CommentLocation {
  root_id: string
  root_seq: number
  root_score: number
  /** Replies in its branch up to and including it, depth-first; 0 for a top-level comment. */
  replies_before: number
}

/** The position just before a permalink's top-level comment, so the page starts with it. */
export function positionBefore(sort: Sort, location: CommentLocation): PagePosition | undefined {
  if (sort === 'oldest') return location.root_seq > 0 ? { t: 'page', sort, seq: location.root_seq - 1 } : undefined
  if (sort === 'newest') return { t: 'page', sort, seq: location.root_seq + 1 }
  return { t: 'page', sort, seq: location.root_seq + 1, score: location.root_score }
}

/**
 * For a permalink: where a visible comment sits (its branch, and how many replies precede it
 * there), so one page can hold it however deep in the thread it is.
 */
export async function locateComment(
  db: Kysely<Database>,
  siteId: string,
  key: string,
  commentId: string,
): Promise<CommentLocation> {
  const found = await db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .innerJoin('comments as r', (j) => j.onRef('r.site_id', '=', 'c.site_id').onRef('r.id', '=', 'c.root_id'))
    .select(['c.root_id', 'r.seq as root_seq', 'r.score as root_score'])
    .select((eb) =>
      eb
        .selectFrom('comments as b')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('b.site_id', '=', siteId)
        .whereRef('b.root_id', '=', 'c.root_id')
        .where('b.depth', '>', 0)
        .whereRef('b.path', '<=', 'c.path')
        .as('replies_before'),
    )
    .where('c.site_id', '=', siteId)
    .where('c.id', '=', commentId)
    .where('t.key', '=', key)
    .where(visibleInTree('c'))
    .executeTakeFirst()
  if (!found) throw new AppError('comment_not_found', 'That comment is not on this page, or it was removed.')
  return { ...found, replies_before: found.replies_before ?? 0 }
}
