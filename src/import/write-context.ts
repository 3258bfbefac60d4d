import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import type { ThreadPages } from '../deps.ts'
import type { MarkdownRenderer } from '../markdown/render.ts'
import type { AccountLinker } from './imported-authors.ts'
import type { OriginMap } from './imported-page.ts'
import type { SummaryTally } from './summary.ts'

/** What writing one import's threads needs: the run, its site, and where its outcome is counted. */
export interface WriteContext {
  db: Kysely<Database>
  pages: ThreadPages | undefined
  markdown: MarkdownRenderer
  site: SiteRow
  format: string
  importId: string
  origins: OriginMap
  now: Date
  linkAccounts: AccountLinker
  summary: SummaryTally
}

