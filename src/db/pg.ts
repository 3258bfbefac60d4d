import { Kysely, PostgresDialect, type LogConfig } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.ts'

export function openPostgres(url: string, options: { poolSize: number; log?: LogConfig }) {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log })
  return { db, close: () => db.destroy() }
}
