import { Hono } from 'hono'
import { sql, type Kysely } from 'kysely'
import { isMigrated } from '../db/migrate.ts'
import type { Database } from '../db/schema.ts'
import { errorBody } from './errors.ts'

/** /healthz: the process answers. /readyz: the database answers and is fully migrated. */
export function healthRoutes(db: Kysely<Database>) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        await sql`select 1`.execute(db)
        if (!(await isMigrated(db))) return c.json(errorBody('not_ready', 'The database is not fully migrated yet.'), 503)
        return c.json({ status: 'ready' })
      } catch {
        return c.json(errorBody('not_ready', 'The database cannot be reached.'), 503)
      }
    })
}
