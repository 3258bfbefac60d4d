import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { openPostgres } from '../../src/db/pg.ts'
import type { Database } from '../../src/db/schema.ts'
import { guestComment } from '../helpers/comments.ts'
import { startCuttingProxy } from '../helpers/cutting-proxy.ts'
import { startApp } from '../helpers/harness.ts'
import { copyTemplateDatabase } from '../helpers/server-database.ts'

// The database stores a comment and its answer is lost on the way back (a crash or a network cut
// between the commit and its answer): the author gets a 503, the comment is there. Sent again with
// its Idempotency-Key, the post answers with that comment instead of making a second one.
const postgres = inject('postgres')
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

describe.skipIf(!('template' in postgres) && process.env.CI !== 'true')('an answer lost after the commit', () => {
  it('answers 503, and the retry with the same key returns the stored comment: one comment, not two', async () => {
    if (!('template' in postgres)) throw new Error(`Postgres is required under CI=true: ${postgres.unavailable}`)
    const copy = await copyTemplateDatabase(postgres, 'lost')
    cleanups.push(copy.drop)
    const proxy = await startCuttingProxy(copy.url)
    cleanups.push(proxy.close)
    // The pool Engawa runs on, which hears a connection's loss instead of dying of it.
    const { db, close } = openPostgres(proxy.url, { poolSize: 4 })
    cleanups.push(close)
    const direct = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 1 }) }) })
    cleanups.push(() => direct.destroy())
    const t = await startApp({ name: 'postgres', db: direct, queries: [], statements: [], connectAgain: () => direct, listen: async () => async () => {} }, { db })
    const stored = async () => (await direct.selectFrom('comments').select('id').where('site_id', '=', t.site.id).execute()).map((r) => r.id)
    const post = (key: string, body: string) =>
      t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body), { headers: { 'idempotency-key': key } })

    // A post is one statement (the comment, its counters, its key): it commits, its answer is lost.
    proxy.loseAnswer(/with parent as/)
    const lost = await post('lost-answer-key-0001', 'Stored, though its author was told otherwise')
    expect(proxy.armed).toBe(false)
    expect(lost.status).toBe(503)
    expect((await lost.json()).error.code).toBe('unavailable')
    const [id] = await stored()
    expect(id).toBeDefined()
    const retried = await post('lost-answer-key-0001', 'Stored, though its author was told otherwise')
    expect(retried.status).toBe(201)
    expect(retried.headers.get('idempotent-replayed')).toBe('true')
    expect((await retried.json()).comment.id).toBe(id)
    expect(await stored()).toEqual([id])

    // Without a key the same loss makes a second comment of the retry: why the widget sends one.
    proxy.loseAnswer(/with parent as/)
    expect((await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('No key'))).status).toBe(503)
    expect((await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('No key'))).status).toBe(201)
    expect(await stored()).toHaveLength(3)
  })

  it('answers 503 by the request deadline when the database stops answering without closing its connections', async () => {
    if (!('template' in postgres)) throw new Error(`Postgres is required under CI=true: ${postgres.unavailable}`)
    const copy = await copyTemplateDatabase(postgres, 'stall')
    cleanups.push(copy.drop)
    const proxy = await startCuttingProxy(copy.url)
    cleanups.push(proxy.close)
    const { db, close } = openPostgres(proxy.url, { poolSize: 2 })
    cleanups.push(close)
    const direct = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 1 }) }) })
    cleanups.push(() => direct.destroy())
    const t = await startApp({ name: 'postgres', db: direct, queries: [], statements: [], connectAgain: () => direct, listen: async () => async () => {} }, { db, config: { requestDeadlineMs: 1000 } })
    proxy.stall()
    const started = Date.now()
    const res = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent('https://blog.example/stalled')}`)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('2')
    expect((await res.json()).error.code).toBe('unavailable')
    expect(Date.now() - started).toBeLessThan(5000)
    expect(t.logs.some((l) => l.includes('request deadline passed'))).toBe(true)
  })
})
