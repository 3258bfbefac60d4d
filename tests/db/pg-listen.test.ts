import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { LISTEN_APPLICATION_NAME, pgListen } from '../../src/db/pg-listen.ts'
import { copyTemplateDatabase } from '../helpers/server-database.ts'

// PGlite lives in this process and has no connection to lose: this is the Postgres server's LISTEN.
const postgres = inject('postgres')
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe.skipIf(!('template' in postgres) && process.env.CI !== 'true')('LISTEN on the Postgres server', () => {
  it('comes back at once when its connection is ended, says so, and hears notifications again', async () => {
    if (!('template' in postgres)) throw new Error(`Postgres is required under CI=true: ${postgres.unavailable}`)
    const copy = await copyTemplateDatabase(postgres, 'listen')
    const client = new pg.Client({ connectionString: copy.url })
    await client.connect()
    cleanups.push(copy.drop, () => client.end())
    const heard: string[] = []
    let resumed = 0
    cleanups.push(await pgListen(copy.url)('engawa_test', { onPayload: (p) => heard.push(p), onResume: () => resumed++ }))
    await client.query(`select pg_notify('engawa_test', 'before')`)
    await expect.poll(() => heard).toEqual(['before'])
    // As a restart, a failover or an idle-killing proxy would.
    const ended = await client.query(
      'select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1 and datname = current_database()',
      [LISTEN_APPLICATION_NAME],
    )
    expect(ended.rows).toEqual([{ ended: true }])
    await expect.poll(() => resumed, { timeout: 5000 }).toBe(1)
    await client.query(`select pg_notify('engawa_test', 'after')`)
    await expect.poll(() => heard).toEqual(['before', 'after'])
  })
})
