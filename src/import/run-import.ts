import { sql, type Kysely } from 'kysely'
import type { Database, ImportPhase, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { recordAction } from '../audit/audit-log.ts'
import { createAccountLinker, linkNoAccounts } from './imported-authors.ts'
import type { OriginMap } from './imported-page.ts'
import { ImportFormatError, type Importer, type ImportFile } from './records.ts'
import { clearStaged, stageItems } from './stage.ts'
import { REASONS, SummaryTally, type ImportSummary } from './summary.ts'
import type { WriteContext } from './write-context.ts'
import { writeThread } from './write-thread.ts'

/** Threads read per query while writing: the list of a huge file's threads is never held whole. */
const THREAD_PAGE = 200
/**
 * Threads written at once. Each is its own transaction on its own rows, so they never wait for
 * each other; while one waits on Postgres, the next is parsed and sanitised. (PGlite, with one
 * connection, takes them one after the other.) Three leave most of a pool of ten to readers.
 */
const WRITERS = 3
/** Past this many new comments, refresh the planner's statistics so pages of the new threads stay index reads. */
const ANALYZE_AFTER = 10_000

export interface ImportProgress {
  phase: ImportPhase
  fileBytes: number
  bytesRead: number
  stagedThreads: number
  stagedComments: number
  threadsDone: number
  threadsTotal: number
}

export interface ImportRequest {
  site: SiteRow
  format: string
  importer: Importer
  file: ImportFile & { name: string }
  origins: OriginMap
  actorUserId: string | null
  /**
   * Whether authors join the Engawa accounts with their verified addresses. Only for the
   * operator's CLI: through the API a site owner writes the file, and could put any words under
   * any account's name.
   */
  linkAccounts: boolean
  /** Called often; the caller decides how often to show it. */
  onProgress?: (progress: ImportProgress) => void
}

export type ImportDeps = Pick<Deps, 'db' | 'clock' | 'markdown' | 'pages'>

/** A run's row, made before anything is read, so the dashboard can follow it from the start. */
export async function createImportRun(db: Kysely<Database>, request: ImportRequest, now: Date): Promise<string> {
  const row = await db
    .insertInto('imports')
    .values({
      site_id: request.site.id,
      format: request.format,
      file_name: request.file.name.slice(0, 200),
      file_bytes: request.file.size,
      status: 'running',
      created_by: request.actorUserId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * Imports a file in two phases. Reading: the parser's records are staged as they stream
 * (bounded memory; a malformed file fails here, before anything else is written). Writing:
 * each thread is built from its staged records in a transaction of its own. The summary is
 * kept on the run's row, with an audit entry, whatever the outcome.
 * `onFirstRecords` fires once the file has proved readable far enough to be worth waiting for.
 */
export async function runImport(deps: ImportDeps, importId: string, request: ImportRequest, onFirstRecords?: () => void): Promise<ImportSummary> {
  const { db, clock } = deps
  const { site } = request
  const target = { siteId: site.id, importId }
  const summary = new SummaryTally()
  const progress: ImportProgress = {
    phase: 'reading', fileBytes: request.file.size, bytesRead: 0, stagedThreads: 0, stagedComments: 0, threadsDone: 0, threadsTotal: 0,
  }
  const saver = progressSaver(db, target, request.file.size)
  const report = () => {
    request.onProgress?.(progress)
    saver.maybeSave(progress, clock.now())
  }
  try {
    const file: ImportFile = {
      ...request.file,
      onProgress: (bytes) => {
        progress.bytesRead = bytes
        report()
      },
    }
    let announced = false
    await stageItems(db, target, request.importer(file), summary, (staged) => {
      progress.stagedThreads = staged.threads
      progress.stagedComments = staged.comments
      report()
      if (!announced) {
        announced = true
        onFirstRecords?.()
      }
    })
    if (!announced) onFirstRecords?.()
    // Fresh rows have no statistics: without them the planner reads the staged file whole for each thread.
    await sql`analyze import_items`.execute(db)
    progress.phase = 'writing'
    await writeThreads(deps, importId, request, summary, progress, report)
    if (summary.comments.imported > ANALYZE_AFTER) await sql`analyze comments`.execute(db)
    await saver.settled()
    await finishRun(db, target, request, progress, { status: 'done', summary: summary.toJson(), error: null }, clock.now())
    return summary.toJson()
  } catch (error) {
    await saver.settled()
    const message = error instanceof ImportFormatError ? error.message : 'The import stopped on an error of ours; what was written so far is kept, and importing the file again adds the rest.'
    await finishRun(db, target, request, progress, { status: 'failed', summary: summary.toJson(), error: message }, clock.now())
    if (error instanceof ImportFormatError) throw new AppError('invalid_import_file', error.message)
    throw error
  } finally {
    await clearStaged(db, target)
  }
}

async function writeThreads(
  deps: ImportDeps,
  importId: string,
  request: ImportRequest,
  summary: SummaryTally,
  progress: ImportProgress,
  report: () => void,
) {
  const { db, clock, markdown, pages } = deps
  const { site } = request
  const staged = () => db.selectFrom('import_items').where('site_id', '=', site.id).where('import_id', '=', importId)
  const ctx: WriteContext = {
    db, pages, markdown, site, format: request.format, importId, origins: request.origins, now: clock.now(),
    linkAccounts: request.linkAccounts ? createAccountLinker() : linkNoAccounts, summary,
  }
  const counted = await staged().select(sql<number>`count(distinct thread_source_id)::int`.as('n')).where('kind', '=', 'comment').executeTakeFirstOrThrow()
  progress.threadsTotal = counted.n
  report()
  // Keyset pages over the threads that have comments, in id order.
  let after: string | undefined
  let analyzedAt = 1000
  for (;;) {
    const page = await staged()
      .select('thread_source_id')
      .distinct()
      .where('kind', '=', 'comment')
      .$if(after !== undefined, (q) => q.where('thread_source_id', '>', after as string))
      .orderBy('thread_source_id')
      .limit(THREAD_PAGE)
      .execute()
    if (summary.comments.imported >= analyzedAt * 2) {
      await sql`analyze comments`.execute(db)
      analyzedAt = summary.comments.imported
    }
    await eachConcurrently(
      page.map((p) => p.thread_source_id),
      WRITERS,
      async (id) => {
        await writeThread(ctx, id)
        progress.threadsDone++
        report()
      },
    )
    const last = page[page.length - 1]
    if (!last || page.length < THREAD_PAGE) break
    after = last.thread_source_id
  }
  // Threads the file lists without any comment: nothing to make.
  const empty = await staged()
    .select(['source_id'])
    .where('kind', '=', 'thread')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('import_items as c')
            .select('c.n')
            .where('c.site_id', '=', site.id)
            .where('c.import_id', '=', importId)
            .where('c.kind', '=', 'comment')
            .whereRef('c.thread_source_id', '=', 'import_items.source_id'),
        ),
      ),
    )
    .orderBy('n')
    .execute()
  for (const t of empty) summary.skipped.add(REASONS.emptyThread, `thread ${t.source_id}`)
}

/**
 * Runs `work` over the items, `limit` at a time. Waits for all of them even when one fails,
 * so nothing is still writing when the run is marked failed; then throws the first error.
 */
async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T)
  })
  const failed = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected')
  if (failed) throw failed.reason
}

/**
 * Saves progress on the run's row now and then (every 2% of the file or of the threads, and at
 * least every minute, which tells a live run from one whose process died), not on every record.
 */
function progressSaver(db: Kysely<Database>, target: { siteId: string; importId: string }, fileBytes: number) {
  let saved = { phase: 'reading', bytes: 0, threads: 0, at: 0 }
  let pending: Promise<unknown> = Promise.resolve()
  return {
    maybeSave(p: ImportProgress, now: Date) {
      const byteStep = Math.max(1 << 20, fileBytes / 50)
      const threadStep = Math.max(10, p.threadsTotal / 50)
      const quiet = now.getTime() - saved.at < 60_000
      if (quiet && p.phase === saved.phase && p.bytesRead - saved.bytes < byteStep && p.threadsDone - saved.threads < threadStep) return
      saved = { phase: p.phase, bytes: p.bytesRead, threads: p.threadsDone, at: now.getTime() }
      const values = { phase: p.phase, bytes_read: p.bytesRead, threads_total: p.threadsTotal, threads_done: p.threadsDone, updated_at: now }
      // One save at a time, none awaited by the import: progress is a hint, never a reason to stop.
      pending = pending.then(() =>
        db.updateTable('imports').set(values).where('site_id', '=', target.siteId).where('id', '=', target.importId).execute().catch(() => {}),
      )
    },
    /** The last save has landed (so it cannot overwrite the final state). */
    settled: () => pending,
  }
}

async function finishRun(
  db: Kysely<Database>,
  target: { siteId: string; importId: string },
  request: ImportRequest,
  progress: ImportProgress,
  outcome: { status: 'done' | 'failed'; summary: ImportSummary; error: string | null },
  now: Date,
) {
  const s = outcome.summary
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('imports')
      .set({
        status: outcome.status,
        phase: 'finished',
        summary: JSON.stringify(s),
        error: outcome.error,
        bytes_read: progress.bytesRead,
        threads_total: progress.threadsTotal,
        threads_done: progress.threadsDone,
        updated_at: now,
        finished_at: now,
      })
      .where('site_id', '=', target.siteId)
      .where('id', '=', target.importId)
      .execute()
    const added = s.threads.created + s.threads.updated + s.comments.imported
    if (added > 0 || outcome.status === 'done')
      await recordAction(
        trx,
        {
          siteId: target.siteId,
          actorUserId: request.actorUserId,
          byOperator: request.actorUserId === null,
          action: 'import',
          targetKind: 'site',
          targetId: target.siteId,
          reason: `${request.format} ${request.file.name}: ${s.comments.imported} comment(s) in ${s.threads.created} new and ${s.threads.updated} updated thread(s), ${s.skipped.total} skipped${outcome.status === 'failed' ? '; stopped early' : ''}`,
        },
        now,
      )
  })
}
