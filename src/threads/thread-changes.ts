import { sql, type Kysely, type RawBuilder, type Updateable, type UpdateQueryBuilder, type UpdateResult } from 'kysely'
import type { Database, ThreadsTable } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { LIVE_CHANNEL } from './live-channel.ts'

/**
 * What changed on a thread, as every process hears it (live/feed.ts):
 * - `new`: a comment was published as it was posted (it takes the thread's next seq);
 * - `comment`: a comment readers can see changed (approved, hidden, restored, edited, deleted);
 * - `thread`: the thread itself (locked, opened, a comment pinned or unpinned);
 * - `renewed`: comments were renumbered or added wholesale (an import, a merge): a reader's
 *   page is best read again;
 * - `inbox`: not a thread's but a reader's (key: `inboxKey`): something came to their inbox.
 */
const CHANGE_KINDS = ['new', 'comment', 'thread', 'renewed', 'inbox'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

export interface ThreadChange {
  siteId: string
  key: string
  kind: ChangeKind
  commentId: string | null
}

/** The NOTIFY payload: `[siteId, key, kind, commentId]`, where and what, never the text (payloads are capped at 8 kB). */
export function announcement(siteId: RawBuilder<string> | string, key: RawBuilder<string> | string, kind: ChangeKind, commentId: RawBuilder<string> | string | null): RawBuilder<string> {
  return sql<string>`pg_notify(${LIVE_CHANNEL}, json_build_array(${siteId}::text, ${key}::text, ${kind}::text, ${commentId}::text)::text)::text`
}

/** The same payload made here, for those told after commit rather than by NOTIFY (Workers' live objects). */
export function announcementText(siteId: string, key: string, kind: ChangeKind, commentId: string | null): string {
  return JSON.stringify([siteId, key, kind, commentId])
}

export function parseAnnouncement(payload: string): ThreadChange | undefined {
  const [siteId, key, kind, commentId] = JSON.parse(payload) as unknown[]
  if (typeof siteId !== 'string' || typeof key !== 'string' || !(CHANGE_KINDS as readonly unknown[]).includes(kind)) return undefined
  return { siteId, key, kind: kind as ChangeKind, commentId: typeof commentId === 'string' ? commentId : null }
}

/** The threads each open transaction changed, and what readers are to be told, to act on in this process once it commits. */
interface Committed {
  siteId: string
  key: string
  announcement: string | null
}
const announced = new WeakMap<Kysely<Database>, Committed[]>()

/**
 * Every change of what readers see on a thread goes through here, in the transaction that makes
 * it: the thread's version moves on (a page's ETag is made from it), its visible total with
 * `visibleDelta`, and the change is announced to every process (NOTIFY, delivered at commit or
 * not at all). `set` changes more of the thread row; `onlyIf` narrows which row may change.
 * Returns the thread as it is now; undefined when no row matched.
 */
export async function touchThread(
  trx: Kysely<Database>,
  change: {
    siteId: string
    thread: { id: string } | { key: string }
    /** `quiet`: the version moves (pages are read anew) but nobody is told (a vote's new score). */
    kind: Exclude<ChangeKind, 'new' | 'inbox'> | 'quiet'
    commentId?: string | null
    visibleDelta?: number
    set?: Updateable<ThreadsTable>
    onlyIf?: (query: UpdateQueryBuilder<Database, 'threads', 'threads', UpdateResult>) => UpdateQueryBuilder<Database, 'threads', 'threads', UpdateResult>
    now: Date
  },
): Promise<{ id: string; key: string; version: number } | undefined> {
  let query = trx
    .updateTable('threads')
    .set((eb) => ({
      ...change.set,
      version: eb('version', '+', 1),
      comment_count: eb('comment_count', '+', change.visibleDelta ?? 0),
      updated_at: change.now,
    }))
    .where('site_id', '=', change.siteId)
  query = 'id' in change.thread ? query.where('id', '=', change.thread.id) : query.where('key', '=', change.thread.key)
  if (change.onlyIf) query = change.onlyIf(query)
  const row = await query
    .returning(['id', 'key', 'version', (change.kind === 'quiet' ? sql<string>`null` : announcement(sql.ref('site_id'), sql.ref('key'), change.kind, change.commentId ?? null)).as('announced')])
    .executeTakeFirst()
  if (!row) return undefined
  const told = change.kind === 'quiet' ? null : announcementText(change.siteId, row.key, change.kind, change.commentId ?? null)
  announced.get(trx)?.push({ siteId: change.siteId, key: row.key, announcement: told })
  return { id: row.id, key: row.key, version: row.version }
}

/** A thread moved away from `key`: its readers there are told, and its pages at that key dropped. */
export async function threadLeft(trx: Kysely<Database>, siteId: string, key: string): Promise<void> {
  await trx.selectNoFrom(announcement(siteId, key, 'renewed', null).as('announced')).execute()
  announced.get(trx)?.push({ siteId, key, announcement: announcementText(siteId, key, 'renewed', null) })
}

/** Where a reader's own news is announced: a key no thread's stream listens on (live/feed.ts keeps them apart). */
export const inboxKey = (userId: string) => `inbox:${userId}`

/** Tells each of these readers, wherever their stream is held, that something came to their inbox here (at commit). */
export async function tellReaders(trx: Kysely<Database>, siteId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return
  const keys = userIds.map(inboxKey)
  await sql`select ${announcement(siteId, sql<string>`k`, 'inbox', null)} from unnest(${keys}::text[]) as k`.execute(trx)
  for (const key of keys) announced.get(trx)?.push({ siteId, key, announcement: announcementText(siteId, key, 'inbox', null) })
}

/** A change made in bulk by the caller's own statement (the version moved there): no one is told, its pages are dropped. */
export function threadChangedQuietly(trx: Kysely<Database>, siteId: string, key: string): void {
  announced.get(trx)?.push({ siteId, key, announcement: null })
}

/**
 * Runs `work` in a transaction and, once it has committed, drops this process's cached pages
 * of every thread it touched (other processes keep theirs at most `pageCacheMs`). Every write
 * that changes what readers see runs this way.
 */
export async function changeThreads<T>({ db, pages }: Pick<Deps, 'db' | 'pages'>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  let changes: Committed[] = []
  const result = await db.transaction().execute((trx) => {
    changes = []
    announced.set(trx, changes)
    return work(trx)
  })
  for (const change of changes) pages?.changed(change.siteId, change.key, change.announcement)
  return result
}

/** A change made outside any transaction of ours (a post is one statement): its pages go at once. */
export function changedThread({ pages }: Pick<Deps, 'pages'>, siteId: string, key: string, announcement: string | null): void {
  pages?.changed(siteId, key, announcement)
}
