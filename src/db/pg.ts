import { Kysely, PostgresDialect, type LogConfig } from 'kysely'
import pg from 'pg'
import { pgListen } from './pg-listen.ts'
import type { Database } from './schema.ts'

/** How long a query waits for a connection (a free one from the pool, or a new one) before failing: the 503 comes no later. */
export const CONNECT_TIMEOUT_MS = 5_000

export interface PostgresOptions {
  poolSize: number
  log?: LogConfig
  /** A connection was lost (a server restart, a failover, a network cut); the pool replaces it on demand. */
  onConnectionError?: (error: Error) => void
}

export function openPostgres(url: string, options: PostgresOptions) {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true })
  // A server restart ends every connection with an 'error' event, on the client and, for an idle
  // one, again on the pool. Unheard, either ends the process. The client's own listener hears
  // both kinds (idle and checked out), so the pool's is left quiet.
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: options.log })
  return { db, listen: pgListen(url), close: () => db.destroy() }
}
