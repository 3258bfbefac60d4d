import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import type { Database, ImportRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { ABANDONED_AFTER_MS, ABANDONED_MESSAGE } from './abandoned-runs.ts'
import type { ImportSummary } from './summary.ts'


const Reasons = z.object({
  total: z.number().int(),
  reasons: z.array(z.object({ reason: z.string(), count: z.number().int(), examples: z.array(z.string()) })),
})

export const ImportSummaryJson = z
  .object({
    threads: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
    comments: z.object({
      imported: z.number().int(),
      alreadyImported: z.number().int(),
      linkedToAccounts: z.number().int(),
      byState: z.object({ published: z.number().int(), pending: z.number().int(), hidden: z.number().int(), removed: z.number().int(), spam: z.number().int() }),
    }),
    repaired: Reasons,
    skipped: Reasons.openapi({ description: 'Counts per reason, with up to five examples each.' }),
  })
  .openapi('ImportSummary')

export const ImportJson = z
  .object({
    id: z.uuid(),
    format: z.string(),
    fileName: z.string(),
    fileBytes: z.number().int(),
    status: z.enum(['running', 'done', 'failed']),
    phase: z.enum(['reading', 'writing', 'finished']).openapi({ description: 'reading: the file is checked and staged; writing: threads are built, one transaction each.' }),
    bytesRead: z.number().int(),
    threadsDone: z.number().int(),
    threadsTotal: z.number().int(),
    summary: ImportSummaryJson.nullable().openapi({ description: 'Once the run has ended (also after a failure: what was done until then).' }),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Import')

export type ImportJsonShape = z.infer<typeof ImportJson>

/** A run whose process died shows as failed at once, before maintenance marks it so. */
export function importToJson(row: ImportRow, now: Date): ImportJsonShape {
  const abandoned = row.status === 'running' && now.getTime() - row.updated_at.getTime() > ABANDONED_AFTER_MS
  return {
    id: row.id,
    format: row.format,
    fileName: row.file_name,
    fileBytes: Number(row.file_bytes),
    status: abandoned ? 'failed' : row.status,
    phase: row.phase,
    bytesRead: Number(row.bytes_read),
    threadsDone: row.threads_done,
    threadsTotal: row.threads_total,
    summary: (row.summary as ImportSummary | null) ?? null,
    error: abandoned ? ABANDONED_MESSAGE : row.error,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  }
}

export async function getImportRun(db: Kysely<Database>, siteId: string, id: string): Promise<ImportRow> {
  const row = await db.selectFrom('imports').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst()
  if (!row) throw new AppError('not_found', 'There is no such import on this site.')
  return row
}

export function listImportRuns(db: Kysely<Database>, siteId: string, limit = 20): Promise<ImportRow[]> {
  return db.selectFrom('imports').selectAll().where('site_id', '=', siteId).orderBy('created_at', 'desc').limit(limit).execute()
}
