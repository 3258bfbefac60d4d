import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import { afterAll, beforeAll, describe, inject, it } from 'vitest'
import { pgListen, type Listen } from '../../src/db/pg-listen.ts'
import type { Database } from '../../src/db/schema.ts'
import { copyTemplateDatabase } from './server-database.ts'

export type BackendName = 'pglite' | 'postgres'

/** A freshly migrated database for one test file, with every query it runs recorded. */
export interface TestDatabase {
  name: BackendName
  db: Kysely<Database>
  /** SQL of every query since the last reset. */
  queries: string[]
  /** The same queries with their parameters, to EXPLAIN them. */
  statements: Array<{ sql: string; parameters: readonly unknown[] }>
  /** Another connection to the same database, as a second Engawa instance would have. */
  connectAgain(): Kysely<Database>
  /** LISTEN on the database, as a running server does for live updates. */
  listen: Listen
}

async function openPGliteCopy(): Promise<{ client: PGlite; close(): Promise<void> }> {
  const dump = new Blob([readFileSync(inject('pgliteTemplate'))])
  const client = await PGlite.create({ loadDataDir: dump })
  return { client, close: () => client.close() }
}

/** Both, unless TEST_BACKENDS names fewer (`npm run test:fast` runs on PGlite alone). */
export function chosenBackends(): BackendName[] {
  const chosen = (process.env.TEST_BACKENDS ?? 'pglite,postgres').split(',').map((b) => b.trim())
  return (['pglite', 'postgres'] as const).filter((b) => chosen.includes(b))
}

/**
 * Runs the suite once on embedded PGlite and once on the Postgres server. Without a server,
 * the Postgres half fails under CI=true and is skipped, with the reason, elsewhere.
 */
export function forEachBackend(suite: (backend: () => TestDatabase, name: BackendName) => void) {
  for (const name of chosenBackends()) {
    describe(`[${name}]`, () => {
      const postgres = inject('postgres')
      if (name === 'postgres' && 'unavailable' in postgres) {
        if (process.env.CI === 'true')
          it('needs the Postgres server (TEST_DATABASE_URL)', () => {
            throw new Error(`Postgres is required under CI=true but unreachable: ${postgres.unavailable}`)
          })
        else it.skip(`skipped: no Postgres server (${postgres.unavailable})`, () => {})
        return
      }
      let current: TestDatabase | undefined
      const cleanups: Array<() => Promise<void>> = []
      beforeAll(async () => {
        const queries: string[] = []
        const statements: TestDatabase['statements'] = []
        const log = (event: { level: string; query: { sql: string; parameters: readonly unknown[] } }) => {
          if (event.level !== 'query') return
          queries.push(event.query.sql)
          statements.push(event.query)
        }
        if (name === 'pglite') {
          const copy = await openPGliteCopy()
          const db = new Kysely<Database>({ dialect: new PGliteDialect(copy.client), log })
          cleanups.push(() => db.destroy())
          current = {
            name,
            db,
            queries,
            statements,
            // PGlite is one process's database: a second "instance" shares its one serialised connection.
            connectAgain: () => db,
            listen: async (channel, handlers) => {
              const unlisten = await copy.client.listen(channel, handlers.onPayload)
              return async () => unlisten()
            },
          }
        } else if ('template' in postgres) {
          const copy = await copyTemplateDatabase(postgres, 'test')
          const pools: pg.Pool[] = []
          const open = (withLog: boolean) => {
            const pool = new pg.Pool({ connectionString: copy.url, max: 10 })
            pools.push(pool)
            return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: withLog ? log : undefined })
          }
          const db = open(true)
          cleanups.push(async () => {
            await Promise.all(pools.map((p) => p.end()))
            await copy.drop()
          })
          const listen = pgListen(copy.url)
          const stops: Array<() => Promise<void>> = []
          cleanups.push(async () => {
            for (const stop of stops) await stop()
          })
          current = {
            name,
            db,
            queries,
            statements,
            connectAgain: () => open(false),
            listen: async (channel, handlers) => {
              const stop = await listen(channel, handlers)
              stops.push(stop)
              return stop
            },
          }
        }
        if (current) await sql`select 1`.execute(current.db)
      })
      afterAll(async () => {
        for (const cleanup of cleanups.reverse()) await cleanup()
      })
      suite(() => {
        if (!current) throw new Error('The test database is not ready')
        return current
      }, name)
    })
  }
}
