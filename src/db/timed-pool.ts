import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'
import type pg from 'pg'

export interface SlowQueries {
  limitMs: number
  /** Told of a statement slower than the limit: which database answered (a name fit for logs), after how long, and the statement (no parameters). */
  onSlow: (database: string, ms: number, sql: string) => void
}

/** How a database is named in logs: host, port and database, never the user or password. */
export function databaseName(url: string): string {
  const { hostname, port, pathname, searchParams } = new URL(url)
  return `${hostname || searchParams.get('host') || 'localhost'}:${port || '5432'}${pathname}`
}

type Query = (sql: string, parameters: ReadonlyArray<unknown>) => Promise<PostgresQueryResult<unknown>>

/** Runs `query`, telling `slow` when it took longer than its limit (whether it answered or failed). */
async function timed<T>(query: () => Promise<T>, database: string, sql: string, slow: SlowQueries | undefined): Promise<T> {
  if (!slow) return query()
  const started = performance.now()
  try {
    return await query()
  } finally {
    const ms = performance.now() - started
    if (ms >= slow.limitMs) slow.onSlow(database, Math.round(ms), sql)
  }
}

/**
 * A client handed to Kysely in place of pg's: each statement is timed against `slow`. The
 * replica pool replaces `query` (to retry on the primary) and `release`; its clients say no
 * `processID`, since a cancellation Kysely sent by it would reach whichever server its control
 * connection came from. Kysely keeps a connection per client object, so one wrapper is kept per pg client.
 */
export function wrapClient(
  client: pg.PoolClient,
  database: string,
  slow: SlowQueries | undefined,
  replaced?: { query: Query; release?: (destroy?: boolean) => void },
): PostgresPoolClient {
  const run: Query = replaced?.query ?? ((sql, parameters) => client.query(sql, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<unknown>>)
  const wrapper: PostgresPoolClient = {
    query: ((sql: string, parameters: ReadonlyArray<unknown>) => timed(() => run(sql, parameters), database, sql, slow)) as PostgresPoolClient['query'],
    release: replaced?.release ?? ((destroy?: boolean) => client.release(destroy)),
  }
  if (!replaced) Object.defineProperty(wrapper, 'processID', { get: () => (client as { processID?: number }).processID })
  return wrapper
}

/** A pg pool whose statements are timed and the slow ones told with `database`'s name. */
export function timedPool(pool: pg.Pool, database: string, slow: SlowQueries | undefined): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  return {
    options: pool.options,
    async connect() {
      const client = await pool.connect()
      let wrapper = wrapped.get(client)
      if (!wrapper) wrapped.set(client, (wrapper = wrapClient(client, database, slow)))
      return wrapper
    },
    end: () => pool.end(),
  }
}
