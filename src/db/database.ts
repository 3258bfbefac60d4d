import type { Kysely, LogConfig } from 'kysely'
import type { Config } from '../config.ts'
import type { Listen } from './pg-listen.ts'
import type { Database } from './schema.ts'

export interface OpenDatabase {
  db: Kysely<Database>
  kind: 'postgres' | 'pglite'
  /** LISTEN for a channel's notifications (live updates). */
  listen: Listen
  /** Where session state holds (the startup lock): a direct connection, never one through a pooler. */
  sessionDb(): Kysely<Database>
  close(): Promise<void>
}

/** A pg pool when DATABASE_URL is set, embedded Postgres (PGlite) in DATA_DIR otherwise. */
export async function createDatabase(
  config: Pick<Config, 'databaseUrl' | 'databaseListenUrl' | 'dataDir' | 'databasePoolSize'>,
  options: { log?: LogConfig; onConnectionError?: (error: Error) => void } = {},
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./pg.ts')
    return { kind: 'postgres', ...openPostgres(config.databaseUrl, { poolSize: config.databasePoolSize, listenUrl: config.databaseListenUrl, ...options }) }
  }
  const { openPGlite } = await import('./pglite.ts')
  const embedded = await openPGlite(config.dataDir, { log: options.log })
  return { kind: 'pglite', ...embedded, sessionDb: () => embedded.db }
}
