import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LISTEN_APPLICATION_NAME } from '../../src/db/pg-listen.ts'
import type { Database } from '../../src/db/schema.ts'
import { DEMO_SITE_ID } from '../../src/demo/article.ts'
import { createSite } from '../../src/sites/sites.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts'
import { pgbouncerAvailable, startPgBouncer, type PgBouncer } from '../helpers/pgbouncer.ts'
import { startServer, type RunningServer } from '../helpers/processes.ts'

// Two Engawa processes whose queries go through PgBouncer in transaction mode (a server
// connection is theirs only for a transaction), with LISTEN and the startup lock on a direct
// connection (DATABASE_LISTEN_URL). A cluster and a pooler of the test's own, never the shared server.

const availability = await pgbouncerAvailable()
const ARTICLE = 'https://blog.example/pooled'

let cluster: Cluster | undefined
let bouncer: PgBouncer | undefined
const servers: RunningServer[] = []
afterAll(async () => {
  // Whatever became of the test, nothing it started outlives it: a process that does not stop
  // on SIGTERM within 10 s is killed, and the pooler and the cluster go in any case.
  await Promise.allSettled(
    servers.map(async (server) => {
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000)
      await server.stop('SIGTERM').finally(() => clearTimeout(timer))
    }),
  )
  await bouncer?.stop()
  await cluster?.remove()
}, 60_000)

describe.skipIf(!availability.available && process.env.CI !== 'true')('behind PgBouncer in transaction mode', () => {
  beforeAll(async () => {
    if (!availability.available) throw new Error(availability.reason)
    cluster = await startCluster()
    await cluster.query('create database engawa')
    bouncer = await startPgBouncer(cluster, ['engawa'])
  })

  it('starts two processes at once (migrating and making the demo once), posts, reads, and tells live readers on the other process', async () => {
    if (!cluster || !bouncer) throw new Error('no cluster')
    const env = { DATABASE_URL: bouncer.url('engawa'), DATABASE_LISTEN_URL: cluster.url('engawa'), COMMENTS_PER_IP: '1000000', LOG_LEVEL: 'info' }
    servers.push(...(await Promise.all([startServer(env), startServer(env)])))
    await expect.poll(() => servers.filter((s) => s.stderr().includes('"message":"made the demo site"')).length, { timeout: 60_000 }).toBe(1)
    expect((await cluster.query('select id from sites', 'engawa')).rows).toEqual([{ id: DEMO_SITE_ID }])

    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: bouncer.url('engawa'), max: 1 }) }) })
    const site = (await createSite(db, { id: 'pooled', name: 'Pooled', origins: ['https://blog.example'], authorPostsPerHour: 100_000 })).id
    await db.destroy()
    const [here, there] = servers as [RunningServer, RunningServer]
    const headers = { origin: 'https://blog.example', 'content-type': 'application/json' }
    const first = await fetch(`${here.url}/api/v1/sites/${site}/comments`, { method: 'POST', headers, body: JSON.stringify({ thread: { url: ARTICLE }, author: { name: 'Aki' }, body: 'Through the pooler.' }) })
    expect(first.status).toBe(201)
    const page = await (await fetch(`${there.url}/api/v1/sites/${site}/thread?url=${encodeURIComponent(ARTICLE)}`, { headers: { origin: 'https://blog.example' } })).json()
    expect(page.comments.map((c: { html: string }) => c.html)).toEqual(['<p>Through the pooler.</p>'])

    // LISTEN holds on the direct connection: a post on one process reaches a reader of the other.
    const live = eventReader(await fetch(`${there.url}/api/v1/sites/${site}/thread/live?url=${encodeURIComponent(ARTICLE)}&since=${page.thread.lastSeq}`, { headers: { origin: 'https://blog.example' } }))
    await live.next('ready', 20_000)
    // Posts at once from both, each its own transaction on whatever server connection is free.
    const posts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${(i % 2 ? there : here).url}/api/v1/sites/${site}/comments`, { method: 'POST', headers, body: JSON.stringify({ thread: { url: ARTICLE }, author: { name: 'Ren' }, body: `Pooled ${i}` }) }),
      ),
    )
    expect(posts.map((r) => r.status)).toEqual(Array(20).fill(201))
    const heard = new Set<string>()
    for (let i = 0; i < 20; i++) heard.add(JSON.parse(await live.next('comment', 10_000)).id)
    expect(heard.size).toBe(20)
    await live.cancel()
    const stored = await cluster.query(`select count(*)::int as n, max(seq)::int as last from comments where site_id = 'pooled'`, 'engawa')
    expect(stored.rows[0]).toEqual({ n: 21, last: 21 })
    // Each process listens on a connection of its own, straight to the database.
    const listening = await cluster.query(`select count(*)::int as n from pg_stat_activity where datname = 'engawa' and application_name = '${LISTEN_APPLICATION_NAME}'`)
    expect(listening.rows[0].n).toBe(2)
    expect(servers.map((s) => s.child.exitCode)).toEqual([null, null])
  })
})
