import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import { createSite } from '../../src/sites/sites.ts'
import { DEMO_SITE_ID } from '../../src/demo/article.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { startCluster, type Cluster } from '../helpers/pg-cluster.ts'
import { startServer, type RunningServer } from '../helpers/processes.ts'

// Two Engawa processes on a Postgres cluster of the test's own, under a steady stream of guest
// posts, while that cluster is stopped and started, crashes (an immediate stop) and turns
// read-only. Never the shared server: it is the one thing this file stops.

const ARTICLE = 'https://blog.example/faults'
/** Posts per second, per process. */
const RATE = 20
/** The answer may take this long during an outage (connection wait 5 s, then the 503). */
const ANSWER_BOUND_MS = 6_500

interface Submission {
  key: string
  body: string
  server: number
  statuses: number[]
  /** When each answer came (Date.now()). */
  answeredAt: number[]
  acknowledgedId?: string
  replayed: boolean
}

let cluster: Cluster
const servers: RunningServer[] = []
beforeAll(async () => {
  cluster = await startCluster()
  await cluster.query('create database engawa')
})
afterAll(async () => {
  for (const server of servers) await server.stop('SIGTERM')
  await cluster?.remove()
})

/** Posts at RATE per second to one process until stopped; each submission is retried with its key until it is acknowledged. */
function postSteadily(server: RunningServer, index: number, site: string, log: Submission[]) {
  let running = true
  let n = 0
  const loop = (async () => {
    while (running) {
      const submission: Submission = { key: `fault-${index}-${n}-${Math.random().toString(36).slice(2)}`, body: `Submission ${index}-${n}`, server: index, statuses: [], answeredAt: [], replayed: false }
      n++
      log.push(submission)
      const next = Date.now() + 1000 / RATE
      // Like the widget: the same key on every retry of one submission.
      while (submission.acknowledgedId === undefined && (running || submission.statuses.length > 0)) {
        const status = await postOnce(server, site, submission)
        if (status === 201) break
        if (!running && submission.statuses.length > 40) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())))
    }
  })()
  return async () => {
    running = false
    await loop
  }
}

async function postOnce(server: RunningServer, site: string, submission: Submission): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/sites/${site}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': submission.key },
    body: JSON.stringify({ thread: { url: ARTICLE }, author: { name: 'Steady' }, body: submission.body }),
  }).catch(() => undefined)
  const status = res?.status ?? 0
  submission.statuses.push(status)
  submission.answeredAt.push(Date.now())
  if (res?.status === 201) {
    submission.acknowledgedId = ((await res.json()) as { comment: { id: string } }).comment.id
    submission.replayed = res.headers.get('idempotent-replayed') === 'true'
  } else await res?.body?.cancel()
  return status
}

/** Every comment id a live reader receives, from the start of its stream. */
function readLive(server: RunningServer, site: string) {
  const received = new Set<string>()
  let reading = true
  const loop = (async () => {
    const res = await fetch(`${server.url}/api/v1/sites/${site}/thread/live?url=${encodeURIComponent(ARTICLE)}&since=0`)
    const events = eventReader(res)
    while (reading) {
      const data = await events.next('comment', 500).catch((error: Error) => {
        // Only a quiet half second is expected; a stream that ended or broke means its process went away.
        if (!/no "comment" event/.test(error.message)) throw error
        return undefined
      })
      if (data) received.add((JSON.parse(data) as { id: string }).id)
    }
    await events.cancel()
  })()
  loop.catch(() => undefined)
  return {
    received,
    stop: async () => {
      reading = false
      await loop
    },
  }
}

/** Answers with this status, from any process, since `since` (Date.now()). */
const answersSince = (log: Submission[], since: number, status: number) =>
  log.reduce((n, s) => n + s.statuses.filter((st, i) => st === status && (s.answeredAt[i] ?? 0) >= since).length, 0)

/** The load goes on until each process has had `count` more answers with this status: phases end on work done, not on time. */
async function untilAnswered(log: Submission[], count: number, status: number) {
  const since = Date.now()
  await expect.poll(() => [0, 1].every((server) => answersSince(log.filter((s) => s.server === server), since, status) >= count), { timeout: 30_000, interval: 50 }).toBe(true)
}

/** How long after `readyAt` each process answered 201 again. */
function recoveryMs(log: Submission[], readyAt: number, server: number): number {
  const first = log
    .filter((s) => s.server === server)
    .flatMap((s) => s.statuses.map((status, i) => ({ status, at: s.answeredAt[i] ?? 0 })))
    .filter((a) => a.status === 201 && a.at >= readyAt)
    .sort((a, b) => a.at - b.at)[0]
  return first ? first.at - readyAt : Number.POSITIVE_INFINITY
}

describe('database faults', () => {
  it('two processes started at once on an empty database both come up, and the demo is made once', async () => {
    const env = { DATABASE_URL: cluster.url('engawa'), COMMENTS_PER_IP: '1000000', LOG_LEVEL: 'warn' }
    servers.push(...(await Promise.all([startServer({ ...env, LOG_LEVEL: 'info' }), startServer({ ...env, LOG_LEVEL: 'info' })])))
    // The demo is made right after the first answer, by one of them.
    await expect.poll(() => servers.filter((s) => s.stderr().includes('"message":"made the demo site"')).length, { timeout: 60_000 }).toBe(1)
    const sites = await cluster.query('select id from sites', 'engawa')
    expect(sites.rows).toEqual([{ id: DEMO_SITE_ID }])
    const threads = await cluster.query('select count(*)::int as n from threads', 'engawa')
    expect(threads.rows[0].n).toBe(1)
    expect(servers.map((s) => s.child.exitCode)).toEqual([null, null])
  })

  it('survive a stop, a crash and a read-only spell: only 503s meanwhile, 201 within 2 s of recovery, nothing acknowledged lost, doubled or missed live', async () => {
    expect(servers).toHaveLength(2)
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: cluster.url('engawa'), max: 1 }) }) })
    const site = (await createSite(db, { id: 'faults', name: 'Faults', origins: ['https://blog.example'], authorPostsPerHour: 100_000 })).id
    await db.destroy()
    const log: Submission[] = []
    const readers = servers.map((server) => readLive(server, site))
    const writers = servers.map((server, i) => postSteadily(server, i, site, log))
    await untilAnswered(log, 20, 201)

    // 1. Stopped (fast shutdown), and for a while: refused, answered 503 in bounded time, not ready.
    await cluster.stop('fast')
    const whileDown = await Promise.all(servers.map(async (server) => {
      const started = Date.now()
      const ready = await fetch(`${server.url}/readyz`)
      const read = await fetch(`${server.url}/api/v1/sites/${site}/thread?url=${encodeURIComponent(ARTICLE)}`, { headers: { 'cache-control': 'no-cache' } })
      return { ready: ready.status, read: read.status, retryAfter: read.headers.get('retry-after'), ms: Date.now() - started }
    }))
    for (const answer of whileDown) {
      expect(answer.ready).toBe(503)
      // A thread page may still come from the one-second memory cache; past that, 503.
      expect([200, 503]).toContain(answer.read)
      expect(answer.ms).toBeLessThan(2 * ANSWER_BOUND_MS)
    }
    await untilAnswered(log, 5, 503)
    const readyAfterStop = await cluster.start()
    await untilAnswered(log, 30, 201)

    // 2. A crash: immediate stop, no shutdown checkpoint, then a restart.
    await cluster.stop('immediate')
    const readyAfterCrash = await cluster.start()
    await untilAnswered(log, 30, 201)

    // 3. Read-only, as a primary being demoted is: writes refused with SQLSTATE 25006.
    await cluster.query(`alter system set default_transaction_read_only = on`)
    await cluster.query(`select pg_reload_conf()`)
    await untilAnswered(log, 5, 503)
    await cluster.query(`alter system reset default_transaction_read_only`)
    await cluster.query(`select pg_reload_conf()`)
    const writableAt = Date.now()
    await untilAnswered(log, 20, 201)

    for (const stop of writers) await stop()

    const answers = log.flatMap((s) => s.statuses)
    // Every process is still there.
    expect(servers.map((s) => s.child.exitCode)).toEqual([null, null])
    // No 500, no dropped connection: only 201, or 503 while the database was away.
    expect(answers.filter((status) => status !== 201 && status !== 503)).toEqual([])
    expect(answers.filter((status) => status === 503).length).toBeGreaterThan(0)
    // Back within 2 s of the database being ready (and writable).
    for (const server of [0, 1]) {
      expect(recoveryMs(log, readyAfterStop, server)).toBeLessThan(2000)
      expect(recoveryMs(log, readyAfterCrash, server)).toBeLessThan(2000)
      expect(recoveryMs(log, writableAt, server)).toBeLessThan(2000)
    }
    // Every submission was acknowledged in the end, and each is one comment, stored.
    const acknowledged = log.filter((s) => s.acknowledgedId !== undefined)
    expect(acknowledged.length).toBe(log.length)
    const stored = await cluster.query(`select id, body_source from comments where site_id = 'faults'`, 'engawa')
    const storedIds = new Set(stored.rows.map((r: { id: string }) => r.id))
    expect(acknowledged.filter((s) => !storedIds.has(s.acknowledgedId ?? ''))).toEqual([])
    const bodies = stored.rows.map((r: { body_source: string }) => r.body_source)
    expect(bodies.length).toBe(new Set(bodies).size)
    expect(stored.rows.length).toBe(acknowledged.length)
    // Every live reader, on either process, receives every acknowledged comment.
    for (const reader of readers)
      await expect.poll(() => acknowledged.filter((s) => !reader.received.has(s.acknowledgedId ?? '')).length, { timeout: 15_000 }).toBe(0)
    for (const reader of readers) await reader.stop()
    const readyAgain = await Promise.all(servers.map((server) => fetch(`${server.url}/readyz`).then((r) => r.status)))
    expect(readyAgain).toEqual([200, 200])
    // Every line the processes wrote is one JSON object, through all of it.
    for (const s of servers) for (const line of s.stderr().split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow()
    console.info(
      `faults: ${log.length} submissions, ${answers.length} answers (${answers.filter((s) => s === 503).length} × 503), ` +
        `${log.filter((s) => s.replayed).length} replayed by key; back after ` +
        [readyAfterStop, readyAfterCrash, writableAt].map((at) => [0, 1].map((i) => `${recoveryMs(log, at, i)} ms`).join('/')).join(', '),
    )
  })
})
