import type { Kysely, LogConfig } from 'kysely'
import type { Config } from '../config.ts'
import { checkPrimaryAlone, type DatabaseCheck } from './database-checks.ts'
import type { Listen } from './pg-listen.ts'
import type { ReplicaEvents } from './replicas.ts'
import type { Database } from './schema.ts'
import type { SlowQueries } from './timed-pool.ts'

export interface OpenDatabase {
  db: Kysely<Database>
  /** Public reads: through the replicas when DATABASE_READ_URL names some (db/replicas.ts), `db` otherwise. */
  readDb: Kysely<Database>
  kind: 'postgres' | 'pglite'
  /** LISTEN for a channel's notifications (live updates). */
  listen: Listen
  /** Where session state holds (the startup lock): a direct connection, never one through a pooler. */
  sessionDb(): Kysely<Database>
  /** The primary and each replica, as /readyz reports them. */
  checks(): Promise<DatabaseCheck[]>
  close(): Promise<void>
}

export interface DatabaseEvents {
  log?: LogConfig
  /** Statements slower than `limitMs`, with the database that answered. */
  slow?: SlowQueries
  replicaEvents?: Omit<ReplicaEvents, 'slow'>
  onConnectionError?: (error: Error) => void
}

/** A pg pool when DATABASE_URL is set (and replicas for reads with DATABASE_READ_URL), embedded Postgres (PGlite) in DATA_DIR otherwise. */
export async function createDatabase(
  config: Pick<Config, 'databaseUrl' | 'databaseListenUrl' | 'dataDir' | 'databasePoolSize'> & Partial<Pick<Config, 'databaseReadUrls' | 'databaseReadMaxLagMs'>>,
  options: DatabaseEvents = {},
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./pg.ts')
    const opened = openPostgres(config.databaseUrl, { poolSize: config.databasePoolSize, listenUrl: config.databaseListenUrl, readUrls: config.databaseReadUrls ?? [], readMaxLagMs: config.databaseReadMaxLagMs, ...options })
    return { kind: 'postgres', ...opened }
  }
  const { openPGlite } = await import('./pglite.ts')
  const { slow } = options
  const name = `embedded (${config.dataDir})`
  // One database in the process: Kysely's own timing names it.
  const log: LogConfig | undefined =
    options.log ?? (slow && ((event) => void (event.queryDurationMillis >= slow.limitMs && slow.onSlow(name, Math.round(event.queryDurationMillis), event.query.sql))))
  const embedded = await openPGlite(config.dataDir, { log })
  return {
    kind: 'pglite',
    ...embedded,
    readDb: embedded.db,
    sessionDb: () => embedded.db,
    checks: () => checkPrimaryAlone(embedded.db),
  }
}
