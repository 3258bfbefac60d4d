import { sql, type Kysely } from 'kysely'
import type { Database, ImportItemsTable } from '../db/schema.ts'
import type { ImportedComment, ImportedState, ImportedThread, ImportItem } from './records.ts'
import { emptyByState, REASONS, type SummaryTally } from './summary.ts'

/** Records per insert: a round trip per 500 keeps a large file moving without big statements. */
const BATCH = 500

/** A thread as staged (dates as ISO strings, null when the parser could not read one). */
export interface StagedThread {
  url: string
  key?: string
  title?: string
  createdAt: string | null
  locked?: boolean
  lockedAt?: string | null
  pinnedSourceId?: string
}

/** A comment as staged. */
export interface StagedComment {
  author: { name: string; email?: string; url?: string }
  body: { html: string } | { markdown: string }
  createdAt: string | null
  editedAt: string | null
  state: ImportedState
  moderationReason?: string
  reasonPublic?: boolean
}

/** Postgres text holds no NUL, and JSON may carry lone surrogates: neither reaches the database. */
function clean(s: string): string {
  return s.replaceAll('\u0000', '').toWellFormed()
}

function cleanOptional(s: string | undefined): string | undefined {
  return s === undefined ? undefined : clean(s)
}

function isoOrNull(date: Date | undefined): string | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null
}

function stagedThread(t: ImportedThread): StagedThread {
  return {
    url: clean(t.url),
    key: cleanOptional(t.key),
    title: cleanOptional(t.title),
    createdAt: isoOrNull(t.createdAt),
    locked: t.locked,
    lockedAt: isoOrNull(t.lockedAt),
    pinnedSourceId: cleanOptional(t.pinnedSourceId),
  }
}

function stagedComment(c: ImportedComment): StagedComment {
  return {
    author: { name: clean(c.author.name), email: cleanOptional(c.author.email), url: cleanOptional(c.author.url) },
    body: 'html' in c.body ? { html: clean(c.body.html) } : { markdown: clean(c.body.markdown) },
    createdAt: isoOrNull(c.createdAt),
    editedAt: isoOrNull(c.editedAt),
    // Parsers are typed, but a state none of them should make is held for a moderator, not published.
    state: c.state in emptyByState() ? c.state : 'pending',
    moderationReason: cleanOptional(c.moderationReason),
    reasonPublic: c.reasonPublic === true,
  }
}

function describe(row: { kind: string; source_id: string; thread_source_id: string }): string {
  return row.kind === 'thread' ? `thread ${row.source_id}` : `comment ${row.source_id} (thread ${row.thread_source_id})`
}

export interface StageProgress {
  threads: number
  comments: number
}

/**
 * Phase one: the parser's records go into import_items as they stream, a batch at a time, so
 * memory holds one batch whatever the file's size. Nothing outside import_items is written, so
 * a file that turns out to be malformed half-way leaves nothing behind once its rows are gone.
 * A record whose id came before is skipped (the first wins).
 */
export async function stageItems(
  db: Kysely<Database>,
  target: { siteId: string; importId: string },
  items: AsyncIterable<ImportItem>,
  summary: SummaryTally,
  onStaged?: (progress: StageProgress) => void,
): Promise<StageProgress> {
  const staged = { threads: 0, comments: 0 }
  let batch: Array<Omit<ImportItemsTable, 'site_id' | 'import_id'>> = []
  let n = 0
  const flush = async () => {
    if (batch.length === 0) return
    const rows = batch
    batch = []
    // One JSON parameter per batch, not eight bound values per record.
    const { rows: inserted } = await sql<{ n: number }>`
      insert into import_items (site_id, import_id, n, kind, source_id, thread_source_id, parent_source_id, data)
      select ${target.siteId}, ${target.importId}::uuid, r.n, r.kind, r.source_id, r.thread_source_id, r.parent_source_id, r.data
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as r(n int, kind text, source_id text, thread_source_id text, parent_source_id text, data json)
      on conflict (site_id, import_id, kind, source_id) do nothing
      returning n`.execute(db)
    const kept = new Set(inserted.map((r) => r.n))
    for (const row of rows) {
      if (!kept.has(row.n)) summary.skipped.add(REASONS.duplicateId, describe(row))
      else if (row.kind === 'thread') staged.threads++
      else staged.comments++
    }
    onStaged?.(staged)
  }
  for await (const item of items) {
    if (item.kind === 'skipped' || item.kind === 'repaired') {
      summary[item.kind].add(clean(item.reason), clean(item.what))
      continue
    }
    n++
    const base = { n }
    if (item.kind === 'thread') {
      const id = clean(item.thread.sourceId)
      batch.push({ ...base, kind: 'thread', source_id: id, thread_source_id: id, parent_source_id: null, data: stagedThread(item.thread) })
    } else {
      const c = item.comment
      batch.push({
        ...base,
        kind: 'comment',
        source_id: clean(c.sourceId),
        thread_source_id: clean(c.threadSourceId),
        parent_source_id: c.parentSourceId === null ? null : clean(c.parentSourceId),
        data: stagedComment(c),
      })
    }
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  return staged
}

/** The staged rows of a run are worth nothing once it ends, however it ends. */
export async function clearStaged(db: Kysely<Database>, target: { siteId: string; importId: string }): Promise<void> {
  await db.deleteFrom('import_items').where('site_id', '=', target.siteId).where('import_id', '=', target.importId).execute()
}
