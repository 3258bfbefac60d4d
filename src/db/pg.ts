import { Kysely, PostgresDialect, type LogConfig } from 'kysely'
import pg from 'pg'
import { pgListen } from './pg-listen.ts'
import type { Database } from './schema.ts'

export function openPostgres(url: string, options: { poolSize: number; log?: LogConfig }) {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log })
  return { db, listen: pgListen(url), close: () => db.destroy() }
}
