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
import { createFakeClock } from '../helpers/fake-clock.ts'
import { until } from '../helpers/until.ts'

// Public reads through real streaming replicas: a cluster of the test's own and two more made
// from it with pg_basebackup, each on its own port, all removed at the end (never the shared
// server). Replay is paused to make a replica lag, and replicas are stopped and started mid-test.

const ORIGIN = 'https://blog.example'
const ARTICLE = `${ORIGIN}/posts/replicated`
const SLOW_MS = 150

let primary: Cluster | undefined
let replicas: Cluster[] = []
let database: OpenDatabase | undefined
const logs: Array<{ message: string; database?: string; sql?: string }> = []

afterAll(async () => {
  await database?.close()
  await Promise.all(replicas.map((replica) => replica.remove()))
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
  /** The same, keeping pages in memory for their second (a clock that stands still keeps them fresh). */
  let cachingApp: ReturnType<typeof createApp>
  let site: string
  let premoderated: string
  const path = (site: string, rest: string) => `/api/v1/sites/${site}/${rest}`
  const thread = (extra = '') => path(site, `thread?url=${encodeURIComponent(ARTICLE)}${extra}`)
  const bodies = async (response: Response) => ((await response.json()) as { comments: Array<{ html: string }> }).comments.map((c) => c.html)
  const named = (cluster: Cluster) => `127.0.0.1:${cluster.port}/engawa`
  const post = async (text: string, on = site) => {
    const res = await request(app, 'POST', path(on, 'comments'), { thread: { url: ARTICLE }, author: { name: 'Aki' }, body: text })
    expect(res.status).toBe(201)
    return (await res.json()) as { comment: { id: string }; threadVersion: number; editToken: string }
  }
  const replaying = (on: boolean, which = replicas) =>
    Promise.all(which.map((replica) => replica.query(on ? 'select pg_wal_replay_resume()' : 'select pg_wal_replay_pause()', 'engawa')))
  /** Until every replica has replayed everything the primary wrote so far. */
  async function caughtUp() {
    const { rows } = await primary!.query('select pg_current_wal_lsn()::text as lsn')
    const replayed = (replica: Cluster) => replica.query(`select pg_last_wal_replay_lsn() >= '${rows[0].lsn}'::pg_lsn as done`, 'engawa')
    await until(async () => (await Promise.all(replicas.map(replayed))).every((answer) => answer.rows[0].done), 30_000, 'the replicas catching up')
  }

  /** Until the replicas are measured caught up: a replica not yet measured (at start, after it was down) serves nothing. */
  async function measured(on = app) {
    await until(async () => (await (await request(on, 'GET', '/readyz')).json()).databases.slice(1).every((d: { lagging?: boolean }) => d.lagging === false), 30_000, 'the replicas measured')
  }

  beforeAll(async () => {
    primary = await startCluster()
    await primary.query('create database engawa')
    replicas = await Promise.all([startReplica(primary), startReplica(primary)])
    database = await createDatabase(
      { databaseUrl: primary.url('engawa'), databaseListenUrl: primary.url('engawa'), databaseReadUrls: replicas.map((r) => r.url('engawa')), dataDir: '/nonexistent', databasePoolSize: 4 },
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
    const deps = {
      db: database.db, readDb: database.readDb, databaseChecks: database.checks, clock: systemClock,
      log: createLog('silent', () => undefined), markdown: createMarkdownRenderer(), passwords: nodePasswordHasher,
    }
    app = createApp({ ...deps, config: parseConfig({ PAGE_CACHE_MS: '0', COMMENTS_PER_IP: '100000' }) })
    cachingApp = createApp({ ...deps, clock: createFakeClock(), config: parseConfig({ PAGE_CACHE_MS: '1000', COMMENTS_PER_IP: '100000' }) })
    await post('The first, replicated.')
    await caughtUp()
    await measured()
  }, 120_000)

  it('serves public reads from the replicas, and a reader who posted or edited sees it however far they lag', async () => {
    await replaying(false)
    try {
      const { threadVersion, comment, editToken } = await post('Written while the replicas stand still.')
      // The replicas answer public reads, so they show the thread as it was...
      expect(await bodies(await request(app, 'GET', thread()))).toEqual(['<p>The first, replicated.</p>'])
      const counts = await (await request(app, 'GET', path(site, `counts?url=${encodeURIComponent(ARTICLE)}`))).json()
      expect(counts.counts[0].count).toBe(1)
      const community = await (await request(app, 'GET', path(site, 'community?tab=latest'))).json()
      expect(community.comments.length).toBe(1)
      expect(await (await request(app, 'GET', path(site, `feed.atom?url=${encodeURIComponent(ARTICLE)}`))).text()).not.toContain('stand still')
      // ...but the author's next read, which names the version their post made, comes from the primary.
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion}`)))).toEqual(['<p>The first, replicated.</p>', '<p>Written while the replicas stand still.</p>'])
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion - 1}`)))).toHaveLength(1)

      // Where pages are kept in memory: one read from before the post is held, with its ETag; the
      // author's read is not answered from it, nor with a 304 for it; then it is held at that version.
      const stale = await request(cachingApp, 'GET', thread())
      expect(await bodies(stale.clone())).toHaveLength(1)
      const theirs = await request(cachingApp, 'GET', thread(`&version=${threadVersion}`), undefined, { 'if-none-match': stale.headers.get('etag') ?? '' })
      expect(theirs.status).toBe(200)
      expect(await bodies(theirs)).toHaveLength(2)
      expect(await bodies(await request(cachingApp, 'GET', thread(`&version=${threadVersion}`)))).toHaveLength(2)

      // An edit answers with its version too.
      const edited = await request(app, 'PATCH', path(site, `comments/${comment.id}`), { body: 'Edited while they stand still.' }, { 'x-edit-token': editToken })
      const { threadVersion: afterEdit } = (await edited.json()) as { threadVersion: number }
      expect(afterEdit).toBeGreaterThan(threadVersion)
      expect(await bodies(await request(app, 'GET', thread(`&version=${afterEdit}`)))).toContain('<p>Edited while they stand still.</p>')

      // A reader's own overlay comes from the primary: a held comment is theirs to see at once.
      const held = await post('Held for a moderator.', premoderated)
      const mine = await (await request(app, 'GET', path(premoderated, `thread/mine?url=${encodeURIComponent(ARTICLE)}`), undefined, { 'x-edit-token': held.editToken })).json()
      expect(mine.comments.map((c: { id: string }) => c.id)).toEqual([held.comment.id])

      const ready = await (await request(app, 'GET', '/readyz')).json()
      expect(ready).toMatchObject({
        status: 'ready',
        databases: [{ database: 'primary', ok: true }, { database: 'replica 1', ok: true, replayPaused: true }, { database: 'replica 2', ok: true, replayPaused: true }],
      })
      expect(ready.databases[1].behindBytes).toBeGreaterThan(0)
    } finally {
      await replaying(true)
    }
    await caughtUp()
    expect(await bodies(await request(app, 'GET', thread()))).toHaveLength(2)
    const ready = await (await request(app, 'GET', '/readyz')).json()
    expect(ready.databases.slice(1)).toMatchObject([{ ok: true, replayPaused: false, behindBytes: 0 }, { ok: true, replayPaused: false, behindBytes: 0 }])
  })

  it('reads a page on one replica: with one behind the other, no page mixes the two', async () => {
    const [behind] = replicas as [Cluster, Cluster]
    await replaying(false, [behind])
    try {
      const { threadVersion } = await post('On the primary and one replica.')
      // Reads take the replicas in turn, statement by statement unless a page keeps to one.
      for (let i = 0; i < 6; i++) {
        const page = (await (await request(app, 'GET', thread(`&version=${threadVersion}`))).json()) as { comments: unknown[] }
        expect(page.comments).toHaveLength(3)
        // News since a position: every comment up to the lastSeq it answers with.
        const news = (await (await request(app, 'GET', thread('&since=0'))).json()) as { thread: { lastSeq: number }; comments: unknown[] }
        expect(news.comments).toHaveLength(news.thread.lastSeq)
      }
    } finally {
      await replaying(true, [behind])
    }
    await caughtUp()
  })

  it('shows a reader who deleted their comment the page without it, however far the replicas lag', async () => {
    const { comment, editToken } = await post('Soon to go.')
    await caughtUp()
    await measured()
    await replaying(false)
    try {
      const gone = await request(app, 'DELETE', path(site, `comments/${comment.id}`), undefined, { 'x-edit-token': editToken })
      expect(gone.status).toBe(200)
      const { threadVersion } = (await gone.json()) as { threadVersion: number }
      expect(await bodies(await request(app, 'GET', thread()))).toContain('<p>Soon to go.</p>')
      expect(await bodies(await request(app, 'GET', thread(`&version=${threadVersion}`)))).not.toContain('<p>Soon to go.</p>')
    } finally {
      await replaying(true)
    }
    await caughtUp()
  })

  it('reads a feed or a profile on one server, as a thread page: its statements never go to two replicas', async () => {
    const statements: Array<{ database: string; sql: string }> = []
    const traced = await createDatabase(
      { databaseUrl: primary!.url('engawa'), databaseListenUrl: primary!.url('engawa'), databaseReadUrls: replicas.map((r) => r.url('engawa')), dataDir: '/nonexistent', databasePoolSize: 2 },
      { slow: { limitMs: 0, onSlow: (name, _ms, text) => statements.push({ database: name, sql: text }) } },
    )
    try {
      const reading = createApp({
        db: traced.db, readDb: traced.readDb, databaseChecks: traced.checks, clock: systemClock, config: parseConfig({ PAGE_CACHE_MS: '0' }),
        log: createLog('silent', () => undefined), markdown: createMarkdownRenderer(), passwords: nodePasswordHasher,
      })
      // A reader with a public profile and a comment.
      const hana = await database!.db.insertInto('users').values({ display_name: 'Hana', profile_public: true }).returning('id').executeTakeFirstOrThrow()
      await database!.db.updateTable('sites').set({ public_profiles: true }).where('id', '=', site).execute()
      const { comment } = await post('By Hana.')
      await database!.db.updateTable('comments').set({ author_user_id: hana.id }).where('id', '=', comment.id).execute()
      await caughtUp()
      await measured(reading)
      const pages = [path(site, `feed.atom?url=${encodeURIComponent(ARTICLE)}`), path(site, `profiles/${hana.id}`), `/s/${site}/u/${hana.id}`]
      for (const page of pages)
        for (let i = 0; i < 3; i++) {
          statements.length = 0
          expect((await request(reading, 'GET', page)).status, page).toBe(200)
          // What the page reads (the site itself comes from the primary); not the lag watcher's notes.
          const onReplicas = statements.filter((s) => s.database !== named(primary!) && !s.sql.includes('_lsn()'))
          expect(onReplicas.length, page).toBeGreaterThanOrEqual(2)
          expect(new Set(onReplicas.map((s) => s.database)).size, page).toBe(1)
        }
    } finally {
      await traced.close()
    }
  })

  it('passes over a replica further behind than DATABASE_READ_MAX_LAG_MS until it catches up, and says so', async () => {
    const lags: Array<{ database: string; lagging: boolean }> = []
    const watched = await createDatabase(
      { databaseUrl: primary!.url('engawa'), databaseListenUrl: primary!.url('engawa'), databaseReadUrls: replicas.map((r) => r.url('engawa')), databaseReadMaxLagMs: 400, dataDir: '/nonexistent', databasePoolSize: 2 },
      { replicaEvents: { onLag: (name, _ms, lagging) => lags.push({ database: name, lagging }) } },
    )
    try {
      const strict = createApp({
        db: watched.db, readDb: watched.readDb, databaseChecks: watched.checks, clock: systemClock, config: parseConfig({ PAGE_CACHE_MS: '0' }),
        log: createLog('silent', () => undefined), markdown: createMarkdownRenderer(), passwords: nodePasswordHasher,
      })
      // A replica not yet measured serves nothing: wait until this process has seen both caught
      // up, or the primary would answer below before either had fallen behind.
      await measured(strict)
      const before = (await bodies(await request(strict, 'GET', thread()))).length
      await replaying(false)
      try {
        await post('Past the lag limit.')
        // The replicas stand still: once they are more than 400 ms behind, the primary answers, with the post.
        await expect.poll(async () => (await bodies(await request(strict, 'GET', thread()))).length, { timeout: 20_000, interval: 100 }).toBe(before + 1)
        await expect.poll(() => lags.filter((lag) => lag.lagging).map((lag) => lag.database).sort(), { timeout: 20_000 }).toEqual(replicas.map(named).sort())
        const ready = await (await request(strict, 'GET', '/readyz')).json()
        expect(ready.databases.slice(1)).toMatchObject([{ ok: true, lagging: true }, { ok: true, lagging: true }])
      } finally {
        await replaying(true)
      }
      await expect.poll(() => lags.filter((lag) => !lag.lagging).length, { timeout: 20_000 }).toBe(2)
    } finally {
      await watched.close()
    }
    await caughtUp()
  })

  it('skips replicas that are stopped, the primary serving, and goes back to them once they answer again', async () => {
    const before = (await bodies(await request(app, 'GET', thread()))).length
    await Promise.all(replicas.map((replica) => replica.stop('fast')))
    const { threadVersion } = await post('Written with the replicas stopped.')
    // Reads go on, from the primary, which has everything.
    expect(await bodies(await request(app, 'GET', thread()))).toHaveLength(before + 1)
    expect((await request(app, 'GET', path(site, 'community?tab=latest'))).status).toBe(200)
    for (const replica of replicas) expect(logs).toContainEqual({ message: 'replica unreachable', database: named(replica) })
    const ready = await request(app, 'GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      databases: [{ database: 'primary', ok: true }, { database: 'replica 1', ok: false, problem: 'cannot be reached' }, { database: 'replica 2', ok: false, problem: 'cannot be reached' }],
    })

    await Promise.all(replicas.map((replica) => replica.start()))
    await caughtUp()
    // Once they answer (after the pause a failed replica is given), reads go to them again: seen
    // by pausing their replay and posting, which their answers then lack.
    await replaying(false)
    try {
      const latest = await post('Only on the primary for now.')
      expect(latest.threadVersion).toBeGreaterThan(threadVersion)
      await expect.poll(async () => (await bodies(await request(app, 'GET', thread()))).length, { timeout: 30_000, interval: 250 }).toBe(before + 1)
      expect(logs.filter((line) => line.message === 'replica back').length).toBeGreaterThan(0)
      expect(await bodies(await request(app, 'GET', thread(`&version=${latest.threadVersion}`)))).toHaveLength(before + 2)
    } finally {
      await replaying(true)
    }
    await caughtUp()
    await measured()
  })

  it('names the database that answered a slow statement, and refuses a transaction or a write through the replicas', async () => {
    await sql`select pg_sleep(${SLOW_MS / 1000 + 0.05})`.execute(database!.readDb)
    await sql`select pg_sleep(${SLOW_MS / 1000 + 0.05})`.execute(database!.db)
    const slow = logs.filter((line) => line.message === 'slow query' && line.sql?.includes('pg_sleep')).map((line) => line.database)
    expect(slow).toHaveLength(2)
    expect(slow).toContain(named(primary!))
    expect(replicas.map(named)).toContain(slow.find((name) => name !== named(primary!)))
    await expect(database!.readDb.transaction().execute(async (trx) => sql`select 1`.execute(trx))).rejects.toThrow(/transaction runs on the primary/)
    await expect(sql`update sites set name = name where id = ${site}`.execute(database!.readDb)).rejects.toThrow(/read-only transaction/)
  })

  it('runs a read the replica takes too long for on the primary, and the rest of its page there, without leaving the replica', async () => {
    const downs = logs.filter((line) => line.message === 'replica unreachable').length
    const ports = await database!.readDb.connection().execute(async (one) => [
      // Cancelled on the standby at its statement timeout (5 s), answered by the primary at once.
      (await sql<{ port: number }>`select inet_server_port() as port, pg_sleep(case when pg_is_in_recovery() then 60 else 0 end) as slept`.execute(one)).rows[0]?.port,
      (await sql<{ port: number }>`select inet_server_port() as port`.execute(one)).rows[0]?.port,
    ])
    expect(ports).toEqual([primary!.port, primary!.port])
    expect(logs.filter((line) => line.message === 'replica unreachable')).toHaveLength(downs)
  })

  it('runs a read again on the primary when its replica connection is lost midway', async () => {
    // Slow only where it runs on a standby: on the primary, where it runs again, it answers at once.
    const reading = sql<{ port: number }>`select inet_server_port() as port, pg_sleep(case when pg_is_in_recovery() then 60 else 0 end) as slept`.execute(database!.readDb)
    const midway = `select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_sleep(case%' and pid <> pg_backend_pid()`
    await until(async () => (await Promise.all(replicas.map((replica) => replica.query(midway, 'engawa')))).some((answer) => answer.rows.length === 1), 20_000, 'the read running on a replica')
    expect((await reading).rows[0]?.port).toBe(primary!.port)
  })

  it('is what the server runs with DATABASE_READ_URL: its log names the database that answered slowly, /readyz lists the replica', async () => {
    const replica = replicas[0]!
    const server = await startServer({ DATABASE_URL: primary!.url('engawa'), DATABASE_READ_URL: replica.url('engawa'), DATABASE_SLOW_MS: '0', LOG_LEVEL: 'info' })
    try {
      expect(server.stderr()).toContain('"replicas":1')
      const ready = await (await fetch(`${server.url}/readyz`)).json()
      expect(ready.databases.map((d: { database: string; ok: boolean }) => [d.database, d.ok])).toEqual([['primary', true], ['replica 1', true]])
      const slow = () => server.stderr().split('\n').filter((line) => line.includes('"message":"slow query"')).map((line) => JSON.parse(line) as { database: string; sql: string })
      // At 0 ms every statement is logged: the thread page's on the replica, the start's on the primary.
      // Read until the replica, once measured, answers one.
      await expect
        .poll(async () => {
          expect((await fetch(`${server.url}${thread()}`, { headers: { origin: ORIGIN } })).status).toBe(200)
          return slow().some((line) => line.database === named(replica))
        }, { timeout: 20_000, interval: 200 })
        .toBe(true)
      expect(slow().some((line) => line.database === named(primary!) && line.sql.includes('kysely_migration'))).toBe(true)
    } finally {
      await server.stop('SIGTERM')
    }
  })
})
