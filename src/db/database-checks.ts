import { sql, type Kysely } from 'kysely'
import type pg from 'pg'
import type { Replica } from './replicas.ts'
import type { Database } from './schema.ts'
import { walBytes } from './wal-position.ts'

/** One database as /readyz reports it. */
export interface DatabaseCheck {
  /** "primary", or "replica N" in the order of DATABASE_READ_URL (hosts stay out of a public answer; logs name them). */
  database: string
  ok: boolean
  /** How long the check took. */
  ms: number
  /** A replica's write-ahead log not yet replayed, in bytes behind the primary; null when either could not say. */
  behindBytes?: number | null
  /** A replica whose replay was paused (pg_wal_replay_pause) falls further behind until resumed. */
  replayPaused?: boolean
  /** Further behind than DATABASE_READ_MAX_LAG_MS: its reads go elsewhere until it catches up. */
  lagging?: boolean
  /** Why it is not ok, in words fit for anyone who may read /readyz. */
  problem?: string
}

/** The primary's check answers within this, or counts as failed. */
const PRIMARY_TIMEOUT_MS = 3_000
/** A replica's, within this: /readyz is not held up by a replica (a replica down leaves the instance ready). */
const REPLICA_TIMEOUT_MS = 1_000

function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** The primary: it answers; its WAL position, to measure replicas against (null on the embedded database). */
export async function checkPrimary(db: Kysely<Database>, withWal: boolean): Promise<DatabaseCheck & { lsn: number | null }> {
  const started = performance.now()
  try {
    const position = withWal ? sql<{ lsn: string | null }>`select pg_current_wal_flush_lsn()::text as lsn` : sql<{ lsn: null }>`select null as lsn`
    const { rows } = await withinTimeout(position.execute(db), PRIMARY_TIMEOUT_MS)
    return { database: 'primary', ok: true, ms: Math.round(performance.now() - started), lsn: walBytes(rows[0]?.lsn ?? null) }
  } catch {
    return { database: 'primary', ok: false, ms: Math.round(performance.now() - started), problem: 'cannot be reached', lsn: null }
  }
}

/** The primary alone, where there are no replicas (the embedded database, Workers, tests). */
export async function checkPrimaryAlone(db: Kysely<Database>): Promise<DatabaseCheck[]> {
  const { lsn: _, ...primary } = await checkPrimary(db, false)
  return [primary]
}

/** Each replica: it answers, is a standby, and where its replay stands (`replayed`, to measure against the primary with `behind`). */
export function checkReplicas(replicas: readonly Replica[]): Promise<Array<DatabaseCheck & { replayed: number | null }>> {
  return Promise.all(
    replicas.map(async ({ label, pool, lagging }) => {
      const started = performance.now()
      const ms = () => Math.round(performance.now() - started)
      try {
        const asked = (pool as pg.Pool).query<{ standby: boolean; lsn: string | null; paused: boolean | null }>({
          text: `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as lsn,
                   case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as paused`,
          // pg gives up on the query itself too (and drops its connection), so no check is left waiting.
          query_timeout: REPLICA_TIMEOUT_MS,
        } as pg.QueryConfig)
        const { rows } = await withinTimeout(asked, REPLICA_TIMEOUT_MS)
        const row = rows[0]!
        if (!row.standby) return { database: label, ok: false, ms: ms(), problem: 'is not a standby: it takes writes of its own', replayed: null }
        return { database: label, ok: true, ms: ms(), replayPaused: row.paused === true, lagging, replayed: walBytes(row.lsn) }
      } catch (error) {
        const late = (error as Error).message === 'timed out' || (error as Error).message === 'Query read timeout'
        return { database: label, ok: false, ms: ms(), problem: late ? 'did not answer in time' : 'cannot be reached', replayed: null }
      }
    }),
  )
}

/** A replica's check with how far its replay is behind the primary's position, in bytes. */
export function behind({ replayed, ...check }: DatabaseCheck & { replayed: number | null }, primaryLsn: number | null): DatabaseCheck {
  if (!check.ok) return check
  return { ...check, behindBytes: primaryLsn === null || replayed === null ? null : Math.max(0, primaryLsn - replayed) }
}
