import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import { writeDisqusExport } from './disqus-xml.ts'
import { writeEngawaExport, type ExportTally } from './engawa-json.ts'

export const EXPORT_FORMATS = ['engawa', 'disqus'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const isExportFormat = (name: string): name is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(name)

export interface SiteExport {
  /** Text written as the rows are read; nothing is read until it is iterated. */
  chunks: AsyncIterable<string>
  contentType: string
  fileName: string
  /** Threads and comments written so far. */
  tally: ExportTally
}

/** A site's whole comment data in one of the export formats, as of `now`. */
export function exportSite(db: Kysely<Database>, site: SiteRow, options: { format: ExportFormat; publicUrl: string; now: Date; batchSize?: number }): SiteExport {
  const snapshot = { db, siteId: site.id, asOf: options.now, batchSize: options.batchSize }
  const tally = { threads: 0, comments: 0 }
  const day = options.now.toISOString().slice(0, 10)
  return options.format === 'disqus'
    ? { chunks: writeDisqusExport(snapshot, site, tally), contentType: 'application/xml; charset=utf-8', fileName: `engawa-${site.id}-${day}-disqus.xml`, tally }
    : { chunks: writeEngawaExport(snapshot, site, options.publicUrl, tally), contentType: 'application/json; charset=utf-8', fileName: `engawa-${site.id}-${day}.json`, tally }
}
