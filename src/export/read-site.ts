import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { sql, type Kysely } from 'kysely'
import type { CommentRow, Database, ThreadRow } from '../db/schema.ts'
import { authorKeyOf } from '../authors/author-key.ts'

/**
 * A site's data read in pages of this many rows, each one index range (keyset pagination, no
 * OFFSET): an export holds one page in memory whatever the size of the site.
 */
export const EXPORT_BATCH = 500

/**
 * What an export reads: everything created up to `asOf` (the export's start). Each page is its
 * own query, so a long download holds no transaction (PGlite has one connection to share);
 * bounding by `asOf` keeps the threads of the second pass those of the first.
 */
export interface SiteSnapshot {
  db: Kysely<Database>
  siteId: string
  asOf: Date
  /** Rows a page; EXPORT_BATCH unless a test wants many small pages. */
  batchSize?: number
}

/**
 * Pages of up to `batchSize` rows, each read after the last row of the one before (keyset
 * pagination): `read(after)` reads the page after that place (undefined: the first page), and
 * `keyOf` says a row's place. Ends at the first page that is not full.
 */
export async function* keysetPages<Row, Key>(batchSize: number, read: (after: Key | undefined) => Promise<Row[]>, keyOf: (row: Row) => Key): AsyncIterable<Row[]> {
  let after: Key | undefined
  for (;;) {
    const rows = await read(after)
    if (rows.length > 0) yield rows
    const last = rows.at(-1)
    if (!last || rows.length < batchSize) return
    after = keyOf(last)
  }
}

/** The site's threads in pages, in the order of their ids (the primary key's). */
export function readThreads({ db, siteId, asOf, batchSize = EXPORT_BATCH }: SiteSnapshot): AsyncIterable<ThreadRow[]> {
  return keysetPages(
    batchSize,
    (after: string | undefined) =>
      db
        .selectFrom('threads')
        .selectAll()
        .where('site_id', '=', siteId)
        .where('created_at', '<=', asOf)
        .where((eb) => (after === undefined ? eb.lit(true) : eb('id', '>', after)))
        .orderBy('id')
        .limit(batchSize)
        .execute(),
    (row) => row.id,
  )
}

/**
 * Every comment of the site's threads (those `readThreads` lists), thread by thread in the same
 * order, each thread's in tree order (depth-first, a parent before its replies, siblings oldest
 * first): pages keyed by (thread, path), one query a page however many threads there are. The
 * (site, thread, seq) index yields the threads in order, so Postgres sorts one thread's paths
 * at a time (incremental sort; within one very long thread, each page sorts that thread again).
 * A comment read here always has its parent read before it, even while readers keep posting:
 * a reply's path extends its parent's (seq would not do: imports number comments by date).
 */
export function readComments({ db, siteId, asOf, batchSize = EXPORT_BATCH }: SiteSnapshot): AsyncIterable<CommentRow[]> {
  return keysetPages(
    batchSize,
    (after: { threadId: string; path: number[] } | undefined) =>
      db
        .selectFrom('comments as c')
        .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
        .selectAll('c')
        .where('c.site_id', '=', siteId)
        .where('t.created_at', '<=', asOf)
        // thread_id >= … starts both index ranges at the cursor; the row comparison then skips what the last page had.
        .where((eb) =>
          after === undefined
            ? eb.lit(true)
            : eb.and([eb('c.thread_id', '>=', after.threadId), eb('t.id', '>=', after.threadId), sql<boolean>`(c.thread_id, c.path) > (${after.threadId}::uuid, ${after.path}::int[])`]),
        )
        .orderBy('c.thread_id')
        .orderBy('c.path')
        .limit(batchSize)
        .execute(),
    (row) => ({ threadId: row.thread_id, path: row.path }),
  )
}

export interface ExportedAuthor {
  /** Stable across exports of the site, and meaningless elsewhere: neither an account id nor a network hash leaves Engawa. */
  id: string | null
  kind: 'account' | 'guest' | 'deleted'
  name: string
  /** A guest's own address, given to this site with the comment; never an account's. */
  email?: string
}

/** The opaque id an export gives an author key (user:…, guest:…). */
export function exportedAuthorId(siteId: string, authorKey: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(`engawa-export\n${siteId}\n${authorKey}`))).slice(0, 32)
}

/** The author of a comment as the site may see them. An empty name is left by a deleted account (or comment). */
export function exportedAuthor(row: CommentRow): ExportedAuthor {
  const key = authorKeyOf(row)
  const id = key === undefined ? null : exportedAuthorId(row.site_id, key)
  if (row.author_user_id) return { id, kind: 'account', name: row.author_name }
  if (row.author_name === '') return { id, kind: 'deleted', name: '' }
  return { id, kind: 'guest', name: row.author_name, ...(row.author_email ? { email: row.author_email } : {}) }
}

/** Bans and author flags (trusted, shadow-banned) of the site, authors named by their exported ids. */
export async function readModeration({ db, siteId }: SiteSnapshot) {
  const [bans, authors] = await Promise.all([
    db
      .selectFrom('bans')
      .select(['author', 'author_name', 'reason', 'created_at', 'expires_at', 'lifted_at'])
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('site_authors')
      .select(['author', 'trusted', 'shadow_banned', 'updated_at'])
      .where('site_id', '=', siteId)
      .where((eb) => eb.or([eb('trusted', '=', true), eb('shadow_banned', '=', true)]))
      .orderBy('author')
      .execute(),
  ])
  return {
    bans: bans.map((b) => ({
      author: exportedAuthorId(siteId, b.author),
      authorName: b.author_name,
      reason: b.reason,
      createdAt: b.created_at.toISOString(),
      expiresAt: b.expires_at?.toISOString() ?? null,
      liftedAt: b.lifted_at?.toISOString() ?? null,
    })),
    authors: authors.map((a) => ({ author: exportedAuthorId(siteId, a.author), trusted: a.trusted, shadowBanned: a.shadow_banned })),
  }
}
