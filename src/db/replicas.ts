import type { PostgresPool, PostgresPoolClient } from 'kysely'
import pg from 'pg'
import { databaseName, wrapClient, type SlowQueries } from './timed-pool.ts'
import { isDatabaseUnavailable } from './unavailable.ts'
import { walBytes } from './wal-position.ts'

/** How long a replica that could not be reached is left alone before one read tries it again. */
const REPLICA_RETRY_MS = 5_000
/** A replica that does not connect by then is skipped for this read: the primary answers instead. */
const REPLICA_CONNECT_TIMEOUT_MS = 2_000
/** A public read a replica has not finished by then is cancelled there and run on the primary (the replica stays in use). */
const REPLICA_STATEMENT_TIMEOUT_MS = 5_000
/** A replica that has not answered at all by then (hung, or cut off without a word) is taken for lost. */
const REPLICA_SILENCE_MS = 10_000
const QUERY_CANCELED = '57014'
// A standby cancels a read whose rows its replay must remove ("conflict with recovery"): the
// same read on the primary cannot meet that.
const CONFLICT_WITH_RECOVERY = '40001'
const READ_ONLY_TRANSACTION = '25006'
const TRANSACTION = /^\s*(begin|start\s+transaction)\b/i

export interface Replica {
  /** As /readyz shows it: "replica 1" is the first of DATABASE_READ_URL. */
  label: string
  /** As logs name it: host, port and database. */
  name: string
  pool: pg.Pool
  /** Skipped until then (ms since the epoch); 0 when up. */
  downUntil: number
  /** A read is trying it again after it was down: the others keep away meanwhile. */
  probing: boolean
  /**
   * Its replay is further behind the primary than the limit allows, or not yet measured (at
   * start, after it was down): skipped until watchLag sees it caught up.
   */
  lagging: boolean
  /** "Behind" was logged and "caught up" not yet. */
  saidBehind: boolean
}

export interface ReplicaEvents {
  slow?: SlowQueries | undefined
  /** A replica could not be reached (or lost its connection): reads go to the others, or to the primary. */
  onDown?: (replica: string, error: Error) => void
  /** A replica left alone answers again. */
  onBack?: (replica: string) => void
  /** A replica fell further behind than the limit (its reads go elsewhere), or caught up again. */
  onLag?: (replica: string, behindMs: number, lagging: boolean) => void
}

function refuseTransaction(sql: string) {
  if (TRANSACTION.test(sql)) throw new Error('A transaction runs on the primary (db), never through the replicas (readDb).')
}

/**
 * A pool for public reads, handed to Kysely in place of pg's: each connection comes from the
 * next replica in turn, skipping one that cannot be reached for REPLICA_RETRY_MS, and from the
 * primary when none can. A statement that loses its replica connection, or gets no answer in
 * time, runs again on the primary: these are single-statement reads, which may run anywhere;
 * a transaction is refused (it belongs on the primary, where a replica's failure cannot split
 * it), and so is a write (the standby refuses it: a bug to hear of, not a fault to hide).
 * A page read in several statements takes one connection for all of them (`connection()`), so
 * they see one server that only moves forward.
 */
export function replicaPool(primary: { pool: pg.Pool; name: string }, urls: string[], poolSize: number, events: ReplicaEvents = {}) {
  const now = () => Date.now()
  const replicas: Replica[] = urls.map((url, i) => {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS,
      statement_timeout: REPLICA_STATEMENT_TIMEOUT_MS,
      query_timeout: REPLICA_SILENCE_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    })
    // A replica stopping ends its connections with 'error' events that must not end the process;
    // the next read on one finds out and skips it.
    pool.on('error', () => undefined)
    pool.on('connect', (client) => client.on('error', () => undefined))
    return { label: `replica ${i + 1}`, name: databaseName(url), pool, downUntil: 0, probing: false, lagging: true, saidBehind: false }
  })
  let turn = 0
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>()

  function markDown(replica: Replica, error: Error) {
    const wasUp = replica.downUntil === 0
    replica.downUntil = now() + REPLICA_RETRY_MS
    // Back, it may be far behind: measured before it serves again.
    replica.lagging = true
    if (wasUp) events.onDown?.(replica.name, error)
  }
  function markUp(replica: Replica) {
    if (replica.downUntil === 0) return
    replica.downUntil = 0
    events.onBack?.(replica.name)
  }
  const lost = (error: unknown) => isDatabaseUnavailable(error) || (error as Error).message === 'Query read timeout'

  function clientOf(replica: Replica, client: pg.PoolClient): PostgresPoolClient {
    let wrapper = wrapped.get(client)
    if (wrapper) return wrapper
    // A connection that lost its server, or whose query went unanswered, is not handed out again.
    let broken = false
    // Once a statement of this checkout ran on the primary, the rest do too: a page never goes back to a replica behind it.
    let moved = false
    const onPrimary = (sql: string, parameters: ReadonlyArray<unknown>) => primary.pool.query(sql, parameters as unknown[]) as never
    wrapper = wrapClient(client, replica.name, events.slow, {
      query: async (sql, parameters) => {
        refuseTransaction(sql)
        if (moved) return onPrimary(sql, parameters)
        try {
          return (await client.query(sql, parameters as unknown[])) as never
        } catch (error) {
          const code = (error as { code?: unknown }).code
          const elsewhere = code === CONFLICT_WITH_RECOVERY || code === QUERY_CANCELED
          if (code === READ_ONLY_TRANSACTION || (!elsewhere && !lost(error))) throw error
          if (!elsewhere) {
            broken = true
            markDown(replica, error as Error)
          }
          moved = true
          return onPrimary(sql, parameters)
        }
      },
      release: (destroy) => {
        moved = false
        client.release(destroy || broken)
      },
    })
    wrapped.set(client, wrapper)
    return wrapper
  }

  async function fromReplica(replica: Replica): Promise<PostgresPoolClient | undefined> {
    if (replica.downUntil > now() || replica.probing || replica.lagging) return undefined
    const retrying = replica.downUntil !== 0
    // A pool with every connection taken is busy, not down: its wait running out says nothing of the replica.
    const busy = replica.pool.totalCount >= poolSize && replica.pool.idleCount === 0
    replica.probing = retrying
    try {
      const client = await replica.pool.connect()
      markUp(replica)
      return clientOf(replica, client)
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error
      if (!busy) markDown(replica, error as Error)
      return undefined
    } finally {
      if (retrying) replica.probing = false
    }
  }

  const pool: PostgresPool = {
    options: primary.pool.options,
    async connect() {
      for (let tried = 0; tried < replicas.length; tried++) {
        const client = await fromReplica(replicas[turn++ % replicas.length]!)
        if (client) return client
      }
      const client = await primary.pool.connect()
      let wrapper = wrapped.get(client)
      if (!wrapper) {
        const refusing = (sql: string, parameters: ReadonlyArray<unknown>) => {
          refuseTransaction(sql)
          return client.query(sql, parameters as unknown[]) as never
        }
        wrapped.set(client, (wrapper = wrapClient(client, primary.name, events.slow, { query: refusing })))
      }
      return wrapper
    },
    end: async () => {
      await Promise.all(replicas.map((replica) => replica.pool.end()))
    },
  }
  /**
   * Every `everyMs`, how far each replica's replay is behind: the primary's position is noted
   * each time, and a replica is as far behind as the oldest noted position it has not replayed
   * (so an idle primary never makes a replica look behind). Past `maxLagMs` its reads go elsewhere
   * until it has caught up. Returns the stop.
   */
  function watchLag(maxLagMs: number, everyMs: number): () => void {
    const noted: Array<{ at: number; lsn: number }> = []
    const timeout = Math.max(1_000, everyMs)
    let running = false
    const round = async () => {
      if (running) return
      running = true
      try {
        // Flushed WAL: all a replica can have been sent.
        const { rows } = await primary.pool.query<{ lsn: string }>({ text: 'select pg_current_wal_flush_lsn()::text as lsn', query_timeout: timeout } as pg.QueryConfig)
        noted.push({ at: now(), lsn: walBytes(rows[0]?.lsn)! })
        // One position older than the limit is all the past a measure needs.
        while (noted.length > 1 && noted[1]!.at <= now() - maxLagMs) noted.shift()
        await Promise.all(replicas.map((replica) => (replica.downUntil > now() ? undefined : measure(replica))))
      } catch {
        // The primary away: nothing to measure against; the next round tries again.
      } finally {
        running = false
      }
    }
    const measure = async (replica: Replica) => {
      const answer = await replica.pool
        .query<{ lsn: string | null }>({ text: 'select pg_last_wal_replay_lsn()::text as lsn', query_timeout: timeout } as pg.QueryConfig)
        .catch(() => undefined)
      const replayed = walBytes(answer?.rows[0]?.lsn)
      if (replayed === null) return
      const oldestMissing = noted.findIndex((position) => position.lsn > replayed)
      const behindMs = oldestMissing < 0 ? 0 : now() - noted[oldestMissing]!.at
      // Not even the oldest noted position replayed: behind by at least its age, unknown how much
      // more (just after start, with nothing older noted yet, that is not enough to serve).
      const over = behindMs > maxLagMs
      replica.lagging = oldestMissing === 0 || over
      // Said once each way: behind when past the limit, caught up once it serves again.
      if (over && !replica.saidBehind) {
        replica.saidBehind = true
        events.onLag?.(replica.name, behindMs, true)
      } else if (!replica.lagging && replica.saidBehind) {
        replica.saidBehind = false
        events.onLag?.(replica.name, 0, false)
      }
    }
    void round()
    const timer = setInterval(() => void round(), everyMs)
    timer.unref?.()
    return () => clearInterval(timer)
  }

  return { pool, replicas, watchLag }
}
