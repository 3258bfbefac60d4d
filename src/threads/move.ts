import { sql, type Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { normalizeThreadUrl, resolvePage } from './thread-key.ts'
import { lockCommentsOf, renumberByDate } from './renumber.ts'
import type { Deps } from '../deps.ts'
import { changeThreads, threadLeft, touchThread } from './thread-changes.ts'

/** A thread named by its page URL or by its key. */
export function threadKeyByName(site: SiteRow, name: string): string {
  return /^https?:\/\//i.test(name) ? resolvePage(site.allowed_origins, { url: name }).key : name
}

export interface ThreadMove {
  key: string
  url: string
  newKey: string
  newUrl: string
  /** Another thread already lives at the new address: merge them instead. */
  conflict: boolean
}

/**
 * What moving a page (or, with `prefix`, every page under a URL prefix) to a new address would
 * do. Threads named by their URL get the new URL as their key; threads the embed named with a
 * stable key keep it and only change URL.
 */
export async function planMove(db: Kysely<Database>, site: SiteRow, input: { from: string; to: string; prefix: boolean }): Promise<ThreadMove[]> {
  const from = input.prefix ? input.from : resolvePage(site.allowed_origins, { url: input.from }).url
  const to = input.prefix ? input.to : resolvePage(site.allowed_origins, { url: input.to }).url
  if (input.prefix && (!/^https?:\/\//.test(from) || !/^https?:\/\//.test(to)))
    throw new AppError('invalid_request', 'A prefix is the start of absolute URLs, such as https://blog.example/2024/.')
  const escaped = from.replace(/[\\%_]/g, (m) => `\\${m}`)
  const threads = await db
    .selectFrom('threads')
    .select(['key', 'url'])
    .where('site_id', '=', site.id)
    .where((eb) => (input.prefix ? eb('url', 'like', `${escaped}%`) : eb('url', '=', from)))
    .orderBy('url')
    .execute()
  const moves = threads.map((t) => {
    const newUrl = resolvePage(site.allowed_origins, { url: to + t.url.slice(from.length) }).url
    const namedByUrl = t.key === normalizeThreadUrl(t.url)
    return { key: t.key, url: t.url, newKey: namedByUrl ? newUrl : t.key, newUrl, conflict: false }
  })
  if (moves.length === 0) return []
  const taken = await db
    .selectFrom('threads')
    .select('key')
    .where('site_id', '=', site.id)
    .where('key', 'in', moves.map((m) => m.newKey))
    .execute()
  const takenKeys = new Set(taken.map((t) => t.key))
  const moving = new Set(moves.map((m) => m.key))
  const landing = new Map<string, number>()
  for (const m of moves) landing.set(m.newKey, (landing.get(m.newKey) ?? 0) + 1)
  return moves.map((m) => ({
    ...m,
    conflict: (m.newKey !== m.key && takenKeys.has(m.newKey) && !moving.has(m.newKey)) || (landing.get(m.newKey) ?? 0) > 1,
  }))
}

/** Moves the threads as planned, all or nothing; refuses when any would land on another thread. */
/** Written in the same transaction as the change it records. */
export type AuditEntry = (trx: Kysely<Database>) => Promise<void>

export async function applyMove(deps: Pick<Deps, 'db' | 'pages'>, site: SiteRow, moves: readonly ThreadMove[], now: Date, audit?: AuditEntry): Promise<void> {
  const conflicts = moves.filter((m) => m.conflict)
  if (conflicts.length > 0)
    throw new AppError('conflict', `A thread already exists at ${conflicts[0]?.newUrl}: merge the two threads instead.`)
  await changeThreads(deps, async (trx) => {
    // Through temporary keys, so that moves that swap or chain addresses never collide.
    for (const m of moves)
      await trx.updateTable('threads').set({ key: `moving:${m.key}` }).where('site_id', '=', site.id).where('key', '=', m.key).execute()
    for (const m of moves) {
      await touchThread(trx, { siteId: site.id, thread: { key: `moving:${m.key}` }, kind: 'renewed', set: { key: m.newKey, url: m.newUrl }, now })
      await threadLeft(trx, site.id, m.key)
    }
    await audit?.(trx)
  })
}

/**
 * Merges one thread into another (one page that ended up with two threads): its comments join
 * the other's in date order, with their tree intact; the emptied thread is removed.
 */
export async function mergeThreads(deps: Pick<Deps, 'db' | 'pages'>, site: SiteRow, fromKey: string, intoKey: string, now: Date, audit?: AuditEntry): Promise<{ moved: number }> {
  if (fromKey === intoKey) throw new AppError('invalid_request', 'A thread cannot be merged into itself.')
  return changeThreads(deps, async (trx) => {
    await lockCommentsOf(trx, site.id, { keys: [fromKey, intoKey] })
    // Both rows locked in one statement, in key order, as any two merges would lock them.
    const rows = await trx.selectFrom('threads').selectAll().where('site_id', '=', site.id).where('key', 'in', [fromKey, intoKey]).orderBy('key').forUpdate().execute()
    const source = rows.find((r) => r.key === fromKey)
    const target = rows.find((r) => r.key === intoKey)
    if (!source || !target) throw new AppError('not_found', 'Both threads must exist to be merged.')
    // seq and path are positions within a thread: the moved ones go after the target's.
    const offset = target.last_seq
    const moved = await sql`
      update comments set thread_id = ${target.id}, seq = seq + ${offset},
        path = (select array_agg(p + ${offset} order by i) from unnest(path) with ordinality as u(p, i))
      where site_id = ${site.id} and thread_id = ${source.id}`.execute(trx)
    await touchThread(trx, { siteId: site.id, thread: { id: target.id }, kind: 'renewed', visibleDelta: source.comment_count, set: { last_seq: target.last_seq + source.last_seq }, now })
    // Its readers are told, and its cached pages dropped, before it goes.
    await touchThread(trx, { siteId: site.id, thread: { id: source.id }, kind: 'renewed', now })
    await trx.deleteFrom('threads').where('site_id', '=', site.id).where('id', '=', source.id).execute()
    await renumberByDate(trx, site.id, target.id)
    await audit?.(trx)
    return { moved: Number(moved.numAffectedRows ?? 0) }
  })
}
