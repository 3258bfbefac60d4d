import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { checkPrimaryAlone, type DatabaseCheck } from '../db/database-checks.ts'
import { isMigrated } from '../db/migrate.ts'
import type { Database } from '../db/schema.ts'
import { errorBody } from './errors.ts'

/**
 * /healthz: the process answers. /readyz: the primary answers and is fully migrated, with how
 * each database is (a replica down leaves the instance ready: the primary serves its reads).
 */
export function healthRoutes(db: Kysely<Database>, databaseChecks?: () => Promise<DatabaseCheck[]>) {
  const check = databaseChecks ?? (() => checkPrimaryAlone(db))
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const databases = await check()
      const migrated = databases[0]?.ok ? await isMigrated(db).catch(() => undefined) : undefined
      if (migrated === undefined) return c.json({ ...errorBody('not_ready', 'The database cannot be reached.'), databases }, 503)
      if (!migrated) return c.json({ ...errorBody('not_ready', 'The database is not fully migrated yet.'), databases }, 503)
      return c.json({ status: 'ready', databases })
    })
}
