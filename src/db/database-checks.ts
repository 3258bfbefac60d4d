import { sql, type Kysely } from 'kysely'
import type pg from 'pg'
import type { Replica } from './replicas.ts'
import type { Database } from './schema.ts'

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
  /** Why it is not ok, in words fit for anyone who may read /readyz. */
  problem?: string
}

/** A check answers within this, or counts as failed. */
const CHECK_TIMEOUT_MS = 3_000

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)))
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** "16/B374D848" (a WAL position) as a number of bytes; exact well past any real log's length. */
function lsnBytes(lsn: string | null): number | null {
  const match = lsn ? /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn) : null
  return match ? parseInt(match[1]!, 16) * 2 ** 32 + parseInt(match[2]!, 16) : null
}

/** The primary: it answers; its WAL position, to measure replicas against (null on the embedded database). */
export async function checkPrimary(db: Kysely<Database>, withWal: boolean): Promise<DatabaseCheck & { lsn: number | null }> {
  const started = performance.now()
  try {
    const position = withWal ? sql<{ lsn: string | null }>`select pg_current_wal_lsn()::text as lsn` : sql<{ lsn: null }>`select null as lsn`
    const { rows } = await withinTimeout(position.execute(db))
    return { database: 'primary', ok: true, ms: Math.round(performance.now() - started), lsn: lsnBytes(rows[0]?.lsn ?? null) }
  } catch {
    return { database: 'primary', ok: false, ms: Math.round(performance.now() - started), problem: 'cannot be reached', lsn: null }
  }
}

/** Each replica: it answers, is a standby, and how far behind `primaryLsn` its replay is. */
export function checkReplicas(replicas: readonly Replica[], primaryLsn: number | null): Promise<DatabaseCheck[]> {
  return Promise.all(
    replicas.map(async ({ label, pool }): Promise<DatabaseCheck> => {
      const started = performance.now()
      try {
        const { rows } = await withinTimeout(
          (pool as pg.Pool).query<{ standby: boolean; lsn: string | null; paused: boolean | null }>(
            `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as lsn,
               case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as paused`,
          ),
        )
        const ms = Math.round(performance.now() - started)
        const row = rows[0]!
        if (!row.standby) return { database: label, ok: false, ms, problem: 'is not a standby: it takes writes of its own' }
        const replayed = lsnBytes(row.lsn)
        const behindBytes = primaryLsn === null || replayed === null ? null : Math.max(0, primaryLsn - replayed)
        return { database: label, ok: true, ms, behindBytes, replayPaused: row.paused === true }
      } catch (error) {
        const ms = Math.round(performance.now() - started)
        return { database: label, ok: false, ms, problem: (error as Error).message === 'timed out' ? 'did not answer in time' : 'cannot be reached' }
      }
    }),
  )
}
