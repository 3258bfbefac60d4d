import { Kysely, PostgresDialect, type LogConfig } from 'kysely'
import pg from 'pg'
import { behind, checkPrimary, checkReplicas } from './database-checks.ts'
import { pgListen } from './pg-listen.ts'
import { replicaPool, type ReplicaEvents } from './replicas.ts'
import type { Database } from './schema.ts'
import { databaseName, timedPool, type SlowQueries } from './timed-pool.ts'
import { CONNECT_TIMEOUT_MS } from './unavailable.ts'

export interface PostgresOptions {
  poolSize: number
  /** A direct connection string for what needs a session (LISTEN, the startup lock) when `url` is a pooler in transaction mode. */
  listenUrl?: string | undefined
  /** Streaming replicas of `url` for public reads (`readDb`). */
  readUrls?: readonly string[]
  /** A replica further behind than this is passed over until it catches up (watched a few times within it, at most every second). */
  readMaxLagMs?: number
  log?: LogConfig
  slow?: SlowQueries | undefined
  replicaEvents?: Omit<ReplicaEvents, 'slow'>
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
  const name = databaseName(url)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: timedPool(pool, name, options.slow) }), log: options.log })
  const readUrls = options.readUrls ?? []
  const reads = readUrls.length > 0 ? replicaPool({ pool, name }, [...readUrls], options.poolSize, { ...options.replicaEvents, slow: options.slow }) : undefined
  const maxLagMs = options.readMaxLagMs ?? 30_000
  const stopWatching = reads?.watchLag(maxLagMs, Math.min(1_000, Math.max(50, Math.round(maxLagMs / 4))))
  const readDb = reads ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: reads.pool }), log: options.log }) : db
  const direct = options.listenUrl ?? url
  // Session state (an advisory lock held across statements) needs one server connection for the
  // whole session, which a pooler in transaction mode does not give: it is taken here, directly.
  let sessions: Kysely<Database> | undefined
  const sessionDb = () => {
    if (sessions) return sessions
    const lockPool = new pg.Pool({ connectionString: direct, max: 1, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
    // As above: a restart ends its connection with an 'error' that must not end the process.
    lockPool.on('error', () => undefined)
    lockPool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)))
    return (sessions = new Kysely<Database>({ dialect: new PostgresDialect({ pool: lockPool }) }))
  }
  return {
    db,
    readDb,
    listen: pgListen(direct),
    sessionDb,
    async checks() {
      const [{ lsn, ...primary }, replicas] = await Promise.all([checkPrimary(db, true), reads ? checkReplicas(reads.replicas) : []])
      return [primary, ...replicas.map((replica) => behind(replica, lsn))]
    },
    close: async () => {
      stopWatching?.()
      await sessions?.destroy()
      if (readDb !== db) await readDb.destroy()
      await db.destroy()
    },
  }
}
