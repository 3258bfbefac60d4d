import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { parseConfig } from '../../src/config.ts'
import { createDatabase, type OpenDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { systemClock } from '../../src/deps.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { createSite } from '../../src/sites/sites.ts'
import { startCluster, startReplica, type Cluster } from '../helpers/pg-cluster.ts'
import { startServer } from '../helpers/processes.ts'
import { until } from '../helpers/until.ts'

// Public reads through a real streaming replica: a cluster of the test's own, a second one made
// from it with pg_basebackup on its own port, both removed at the end (never the shared server).
// Replay is paused to make the replica lag, and the replica is stopped and started mid-test.

const ORIGIN = 'https://blog.example'
const ARTICLE = `${ORIGIN}/posts/replicated`
const SLOW_MS = 150

let primary: Cluster | undefined
let replica: Cluster | undefined
let database: OpenDatabase | undefined
const logs: Array<{ message: string; database?: string; sql?: string }> = []

afterAll(async () => {
  await database?.close()
  await replica?.remove()
  await primary?.remove()
}, 60_000)

function request(app: ReturnType<typeof createApp>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.request(
    path,
    { method, headers: { origin: ORIGIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) },
    { incoming: { socket: { remoteAddress: '10.9.8.7' } } },
  )
}

describe('read replicas (DATABASE_READ_URL)', () => {
  let app: ReturnType<typeof createApp>
  let site: string
  let premoderated: string
  const path = (site: string, rest: string) => `/api/v1/sites/${site}/${rest}`
  const thread = (extra = '') => path(site, `thread?url=${encodeURIComponent(ARTICLE)}${extra}`)
  const bodies = async (response: Response) => ((await response.json()) as { comments: Array<{ html: string }> }).comments.map((c) => c.html)
  const post = async (text: string, on = site) => {
    const res = await request(app, 'POST', path(on, 'comments'), { thread: { url: ARTICLE }, author: { name: 'Aki' }, body: text })
    expect(res.status).toBe(201)
    return (await res.json()) as { comment: { id: string }; threadVersion: number; editToken: string }
  }
  const replaying = (on: boolean) => replica!.query(on ? 'select pg_wal_replay_resume()' : 'select pg_wal_replay_pause()', 'engawa')
  /** Until the replica has replayed everything the primary wrote so far. */
  async function caughtUp() {
    const { rows } = await primary!.query('select pg_current_wal_lsn()::text as lsn')
    await until(async () => (await replica!.query(`select pg_last_wal_replay_lsn() >= '${rows[0].lsn}'::pg_lsn as done`, 'engawa')).rows[0].done, 30_000, 'the replica catching up')
  }

  beforeAll(async () => {
    primary = await startCluster()
    await primary.query('create database engawa')
    replica = await startReplica(primary)
    database = await createDatabase(
      { databaseUrl: primary.url('engawa'), databaseListenUrl: primary.url('engawa'), databaseReadUrls: [replica.url('engawa')], dataDir: '/nonexistent', databasePoolSize: 4 },
      {
        slow: { limitMs: SLOW_MS, onSlow: (name, _ms, text) => logs.push({ message: 'slow query', database: name, sql: text }) },
        replicaEvents: {
          onDown: (name) => logs.push({ message: 'replica unreachable', database: name }),
          onBack: (name) => logs.push({ message: 'replica back', database: name }),
        },
      },
    )
    await migrateToLatest(database.db)
    site = (await createSite(database.db, { name: 'Replicated', origins: [ORIGIN], authorPostsPerHour: 100_000 })).id
    premoderated = (await createSite(database.db, { name: 'Held', origins: [ORIGIN], authorPostsPerHour: 100_000, premoderation: 'all' })).id
    const config = parseConfig({ PAGE_CACHE_MS: '0', COMMENTS_PER_IP: '100000' })
    app = createApp({
      db: database.db, readDb: database.readDb, databaseChecks: database.checks, clock: systemClock, config,
      log: createLog('silent', () => undefined), markdown: createMarkdownRenderer(), passwords: nodePasswordHasher,
    })
    await post('The first, replicated.')
    await caughtUp()
  }, 120_000)

  it('serves public reads from the replica, and a reader who posted sees their comment however far it lags', async () => {
    await replaying(false)
    try {
      const { threadVersion } = await post('Written while the replica stands still.')
      // The replica answers public reads, so they show the thread as it was...
      expect(await bodies(await request(app, 'GET', thread()))).toEqual(['<p>The first, replicated.</p>'])
      const counts = await (await request(app, 'GET', path(site, `counts?url=${encodeURIComponent(ARTICLE)}`))).json()
      expect(counts.counts[0].count).toBe(1)
      const community = await (await request(app, 'GET', path(site, 'community?tab=latest'))).json()
      expect(community.comments.length).toBe(1)
      expect(await (await request(app, 'GET', path(site, `feed.atom?url=${encodeURIComponent(ARTICLE)}`))).text()).not.toContain('stands still')
      // ...but the author's next read, which names the version their post made, comes from the primary.
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion}`)))).toEqual(['<p>The first, replicated.</p>', '<p>Written while the replica stands still.</p>'])
      // Asked again (the page is now held in memory at that version), and for the version before it.
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion}`)))).toHaveLength(2)
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion - 1}`)))).toHaveLength(1)

      // A reader's own overlay comes from the primary: a held comment is theirs to see at once.
      const held = await post('Held for a moderator.', premoderated)
      const mine = await (await request(app, 'GET', path(premoderated, `thread/mine?url=${encodeURIComponent(ARTICLE)}`), undefined, { 'x-edit-token': held.editToken })).json()
      expect(mine.comments.map((c: { id: string }) => c.id)).toEqual([held.comment.id])

      const ready = await (await request(app, 'GET', '/readyz')).json()
      expect(ready).toMatchObject({ status: 'ready', databases: [{ database: 'primary', ok: true }, { database: 'replica 1', ok: true, replayPaused: true }] })
      expect(ready.databases[1].behindBytes).toBeGreaterThan(0)
    } finally {
      await replaying(true)
    }
    await caughtUp()
    expect(await bodies(await request(app, 'GET', thread()))).toHaveLength(2)
    const ready = await (await request(app, 'GET', '/readyz')).json()
    expect(ready.databases[1]).toMatchObject({ ok: true, replayPaused: false, behindBytes: 0 })
  })

  it('skips a replica that is stopped, the primary serving, and goes back to it once it answers again', async () => {
    await replica!.stop('fast')
    const { threadVersion } = await post('Written with the replica stopped.')
    // Reads go on, from the primary, which has everything.
    expect(await bodies(await request(app, 'GET', thread()))).toHaveLength(3)
    expect((await request(app, 'GET', path(site, 'community?tab=latest'))).status).toBe(200)
    expect(logs).toContainEqual({ message: 'replica unreachable', database: `127.0.0.1:${replica!.port}/engawa` })
    const ready = await request(app, 'GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', databases: [{ database: 'primary', ok: true }, { database: 'replica 1', ok: false, problem: 'cannot be reached' }] })

    await replica!.start()
    await caughtUp()
    // Once it answers (after the pause a failed replica is given), reads go to it again: seen by
    // pausing its replay and posting, which the replica's answers then lack.
    await replaying(false)
    try {
      await post('Only on the primary for now.')
      await expect.poll(async () => (await bodies(await request(app, 'GET', thread()))).length, { timeout: 30_000, interval: 250 }).toBe(3)
      expect(logs).toContainEqual({ message: 'replica back', database: `127.0.0.1:${replica!.port}/engawa` })
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion + 1}`)))).toHaveLength(4)
    } finally {
      await replaying(true)
    }
  })

  it('names the database that answered a slow statement, and refuses a transaction on the replicas', async () => {
    await sql`select pg_sleep(${SLOW_MS / 1000 + 0.05})`.execute(database!.readDb)
    await sql`select pg_sleep(${SLOW_MS / 1000 + 0.05})`.execute(database!.db)
    const slow = logs.filter((line) => line.message === 'slow query' && line.sql?.includes('pg_sleep'))
    expect(slow.map((line) => line.database).sort()).toEqual([`127.0.0.1:${primary!.port}/engawa`, `127.0.0.1:${replica!.port}/engawa`].sort())
    await expect(database!.readDb.transaction().execute(async (trx) => sql`select 1`.execute(trx))).rejects.toThrow(/transaction runs on the primary/)
  })

  it('runs a read again on the primary when its replica connection is lost midway', async () => {
    const reading = sql<{ port: number }>`select inet_server_port() as port, pg_sleep(2) as slept`.execute(database!.readDb)
    const midway = `select pg_terminate_backend(pid) as ended from pg_stat_activity where query like '%pg_sleep(2)%' and pid <> pg_backend_pid()`
    await until(async () => (await replica!.query(midway, 'engawa')).rows.length === 1, 10_000, 'the read running on the replica')
    expect((await reading).rows[0]?.port).toBe(primary!.port)
  })

  it('is what the server runs with DATABASE_READ_URL: its log names the database that answered slowly, /readyz lists the replica', async () => {
    const server = await startServer({ DATABASE_URL: primary!.url('engawa'), DATABASE_READ_URL: replica!.url('engawa'), DATABASE_SLOW_MS: '1', LOG_LEVEL: 'info' })
    try {
      expect(server.stderr()).toContain('"replicas":1')
      const read = await fetch(`${server.url}${thread()}`, { headers: { origin: ORIGIN } })
      expect(read.status).toBe(200)
      const ready = await (await fetch(`${server.url}/readyz`)).json()
      expect(ready.databases.map((d: { database: string; ok: boolean }) => [d.database, d.ok])).toEqual([['primary', true], ['replica 1', true]])
      const slow = () => server.stderr().split('\n').filter((line) => line.includes('"message":"slow query"')).map((line) => JSON.parse(line) as { database: string; sql: string })
      // Every statement is "slow" at 1 ms: the thread page's on the replica, the start's on the primary.
      await expect.poll(() => slow().some((line) => line.database === `127.0.0.1:${replica!.port}/engawa`), { timeout: 10_000 }).toBe(true)
      expect(slow().some((line) => line.database === `127.0.0.1:${primary!.port}/engawa` && line.sql.includes('kysely_migration'))).toBe(true)
    } finally {
      await server.stop('SIGTERM')
    }
  })
})
