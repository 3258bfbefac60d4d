import type { SiteRow } from '../db/schema.ts'

export interface AppEnv {
  Variables: {
    requestId: string
    /** Set for every /api/v1/sites/{site}/… route before its handler runs. */
    site: SiteRow
  }
}
