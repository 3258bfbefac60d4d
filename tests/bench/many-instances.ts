import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrateToLatest } from '../../src/db/migrate.ts'
import type { Database } from '../../src/db/schema.ts'
import { createSite } from '../../src/sites/sites.ts'
import { freePort } from '../helpers/wrangler-dev.ts'

// npm run bench:instances: Engawa scaled out. Three processes on one Postgres database behind a
// round-robin proxy, beside one process behind the same proxy: live readers hold streams, writers
// post back to back, a few readers read thread pages, for BENCH_SECONDS (default 8) after a
// warm-up. Prints one table: throughput, post latency, and how long a post takes to reach the
// live readers held by the other processes. Loopback only; whatever happens, every process it
// starts is stopped and every database it makes is dropped.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const WARMUP_SECONDS = 2
const THREADS = 6
const LIVE_READERS = 60
const WRITERS = 8
const PAGE_READERS = 4
const REQUEST_TIMEOUT_MS = 10_000
const DRAIN_MS = 10_000
const DEADLINE_MS = 5 * 60_000
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ORIGIN = 'https://blog.example'
// One client machine does all of it: the per-network limits are lifted.
const SERVER_ENV = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', COMMENTS_PER_IP: '1000000000', COMMENTS_PER_ACCOUNT: '1000000000', LIVE_STREAMS_PER_IP: '100000' }

interface Post {
  thread: number
  backend: string
  sentAt: number
}

interface Notice {
  commentId: string
  reader: number
  backend: string
  at: number
}

const children = new Set<ChildProcess>()
const databases = new Set<string>()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const threadUrl = (thread: number) => `${ORIGIN}/bench/instances-${thread}`

/** Ctrl-C, or a run past DEADLINE_MS: what was started is killed and dropped before leaving. */
async function abandon(reason: string) {
  process.stderr.write(`bench:instances: ${reason}; stopping everything\n`)
  for (const child of children) child.kill('SIGKILL')
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 })
  await admin.connect()
  for (const name of databases) await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
}
const leave = (reason: string) => void abandon(reason).finally(() => process.exit(1))
setTimeout(() => leave(`still running after ${DEADLINE_MS / 1000} s`), DEADLINE_MS).unref()
process.once('SIGINT', () => leave('interrupted'))

function spawnTs(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  return { child, stderr: () => stderr }
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

async function startEngawa(databaseUrl: string) {
  // At LOG_LEVEL=warn a server does not print the port it took: it is given one.
  const url = `http://127.0.0.1:${await freePort()}`
  const server = spawnTs(['src/server.ts'], { ...SERVER_ENV, DATABASE_URL: databaseUrl, PORT: new URL(url).port })
  // Until the app is served, /healthz says "starting".
  for (const deadline = performance.now() + 60_000; performance.now() < deadline; await sleep(200)) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`an Engawa process exited:\n${server.stderr()}`)
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then((res) => res.json() as Promise<{ status: string }>, () => undefined)
    if (health?.status === 'ok') return { url, stderr: server.stderr }
  }
  throw new Error(`an Engawa process did not start within 60 s:\n${server.stderr()}`)
}

async function startProxy(backends: string[]): Promise<string> {
  const proxy = spawnTs(['tests/bench/round-robin-proxy.ts', ...backends])
  const port = await new Promise<number>((resolve, reject) => {
    proxy.child.stdout?.once('data', (line: Buffer) => resolve(Number(/"port":(\d+)/.exec(String(line))?.[1])))
    proxy.child.once('exit', () => reject(new Error(`the proxy exited:\n${proxy.stderr()}`)))
    setTimeout(() => reject(new Error('the proxy did not start within 30 s')), 30_000).unref()
  })
  return `http://127.0.0.1:${port}`
}

async function withBenchDatabase<T>(name: string, run: (url: string, siteId: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  databases.add(name)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.href, max: 1 })
  // An abandoned run drops the database under this idle connection.
  pool.on('error', () => undefined)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    await migrateToLatest(db)
    const site = await createSite(db, { name: 'Bench', origins: [ORIGIN], authorPostsPerHour: 100_000 })
    return await run(url.href, site.id)
  } finally {
    await db.destroy()
    await admin.query(`drop database if exists ${name} with (force)`)
    databases.delete(name)
    await admin.end()
  }
}

/** Each event of a stream with the time its bytes arrived, until the stream ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string, data: string, at: number) => void) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    const at = performance.now()
    buffer += decoder.decode(chunk.value, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const name = /^event: ?(.*)$/m.exec(block)?.[1]
      if (name) onEvent(name, /^data: ?(.*)$/m.exec(block)?.[1] ?? '', at)
    }
  }
}

/** Opens reader number `reader`'s stream on `thread` and resolves once it is subscribed; its comment events go to `notices`. */
async function holdLiveReader(base: string, siteId: string, reader: number, thread: number, signal: AbortSignal, notices: Notice[], onDrop: () => void) {
  const res = await fetch(`${base}/api/v1/sites/${siteId}/thread/live?url=${encodeURIComponent(threadUrl(thread))}&since=0`, { signal })
  const backend = res.headers.get('x-bench-backend') ?? '?'
  if (res.status !== 200 || !res.body) throw new Error(`a live stream was answered ${res.status}: ${await res.text()}`)
  const body = res.body
  await new Promise<void>((resolve, reject) => {
    setTimeout(() => reject(new Error('a live stream sent no "ready" within 10 s')), 10_000).unref()
    const ended = () => signal.aborted || onDrop()
    readEvents(body, (name, data, at) => {
      if (name === 'ready') resolve()
      if (name === 'comment') notices.push({ commentId: (JSON.parse(data) as { id: string }).id, reader, backend, at })
    }).then(ended, ended)
  })
  return backend
}

/** One request, read to the end; undefined when it failed or took past REQUEST_TIMEOUT_MS. */
async function send(url: string, init: RequestInit = {}) {
  try {
    const res = await fetch(url, { ...init, headers: { origin: ORIGIN, 'content-type': 'application/json' }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    return { status: res.status, backend: res.headers.get('x-bench-backend') ?? '?', body: await res.text() }
  } catch {
    return undefined
  }
}

/** `concurrency` loops, each running `task` back to back until `until`. */
async function loop(concurrency: number, until: number, task: (worker: number, n: number) => Promise<void>) {
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    for (let n = 0; performance.now() < until; n++) await task(worker, n)
  }))
}

/** Writers posting and readers reading pages, for `seconds`. */
async function runLoad(base: string, siteId: string, seconds: number) {
  const posts = new Map<string, Post>()
  const postMs: number[] = []
  const failures = new Map<string, number>()
  const fail = (what: string) => void failures.set(what, (failures.get(what) ?? 0) + 1)
  let pageReads = 0
  const started = performance.now()
  await Promise.all([
    loop(WRITERS, started + seconds * 1000, async (writer, n) => {
      const thread = (writer + n) % THREADS
      const sentAt = performance.now()
      const body = JSON.stringify({ thread: { url: threadUrl(thread) }, author: { name: `Writer ${writer}` }, body: `Post ${n} of writer ${writer}` })
      const res = await send(`${base}/api/v1/sites/${siteId}/comments`, { method: 'POST', body })
      if (res?.status !== 201) return fail(`post ${res?.status ?? 'failed'}`)
      postMs.push(performance.now() - sentAt)
      const { comment } = JSON.parse(res.body) as { comment: { id: string; status: string } }
      if (comment.status === 'published') posts.set(comment.id, { thread, backend: res.backend, sentAt })
      else fail(`post ${comment.status}`)
    }),
    loop(PAGE_READERS, started + seconds * 1000, async (reader, n) => {
      const res = await send(`${base}/api/v1/sites/${siteId}/thread?url=${encodeURIComponent(threadUrl((reader + n) % THREADS))}`)
      if (res?.status === 200) pageReads++
      else fail(`page ${res?.status ?? 'failed'}`)
    }),
  ])
  const elapsed = (performance.now() - started) / 1000
  return { posts, postMs, failures, postsPerSecond: postMs.length / elapsed, readsPerSecond: pageReads / elapsed }
}

async function measure(processes: number) {
  return withBenchDatabase(`engawa_bench_instances_${process.pid}_${processes}`, async (databaseUrl, siteId) => {
    const streams = new AbortController()
    try {
      const servers = await Promise.all(Array.from({ length: processes }, () => startEngawa(databaseUrl)))
      const base = await startProxy(servers.map((s) => s.url))
      const notices: Notice[] = []
      let dropped = 0
      // Opened one after another, so the proxy's turns spread each thread's readers over the processes.
      const readerBackends: string[] = []
      const readerThread = (reader: number) => Math.floor((reader * THREADS) / LIVE_READERS)
      for (let reader = 0; reader < LIVE_READERS; reader++)
        readerBackends.push(await holdLiveReader(base, siteId, reader, readerThread(reader), streams.signal, notices, () => dropped++))
      await runLoad(base, siteId, WARMUP_SECONDS)
      const load = await runLoad(base, siteId, SECONDS)

      const readersOn = (thread: number) => readerBackends.filter((_, reader) => readerThread(reader) === thread).length
      const expected = [...load.posts.values()].reduce((sum, post) => sum + readersOn(post.thread), 0)
      const heard = () => new Set(notices.filter((n) => load.posts.has(n.commentId)).map((n) => `${n.commentId} ${n.reader}`))
      for (const deadline = performance.now() + DRAIN_MS; heard().size < expected && performance.now() < deadline; ) await sleep(100)
      const received = heard().size
      streams.abort()

      // With several processes, only a reader on another process than the one that took the post.
      const noticeMs = notices.flatMap((notice) => {
        const post = load.posts.get(notice.commentId)
        return post && (processes === 1 || post.backend !== notice.backend) ? [notice.at - post.sentAt] : []
      })
      if (dropped > 0) load.failures.set('live stream ended', dropped)
      const readersByBackend = servers.map((_, i) => readerBackends.filter((b) => b === String(i)).length)
      const serverWarnings = servers.flatMap((s) => s.stderr().split('\n').filter(Boolean))
      return { processes, ...load, noticeMs, readersByBackend, expected, received, serverWarnings }
    } finally {
      streams.abort()
      await Promise.all([...children].map(stopChild))
    }
  })
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 })

type Row = Awaited<ReturnType<typeof measure>>

function printTable(rows: Row[]) {
  const header = ['', 'posts/s', 'reads/s', 'post p50 ms', 'post p99 ms', 'notice p50 ms', 'notice p99 ms', 'notice max ms', 'live readers', 'events expected', 'received', 'errors']
  const cells = rows.map((r) => [
    r.processes === 1 ? '1 process' : `${r.processes} processes`,
    fmt(r.postsPerSecond),
    fmt(r.readsPerSecond),
    fmt(percentile(r.postMs, 0.5)),
    fmt(percentile(r.postMs, 0.99)),
    fmt(percentile(r.noticeMs, 0.5)),
    fmt(percentile(r.noticeMs, 0.99)),
    fmt(percentile(r.noticeMs, 1)),
    `${r.readersByBackend.reduce((a, b) => a + b, 0)} (${r.readersByBackend.join('/')})`,
    fmt(r.expected),
    fmt(r.received),
    r.failures.size === 0 ? 'none' : [...r.failures].map(([what, count]) => `${what} ×${count}`).join(', '),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)))
  const line = (row: string[]) => row.map((c, i) => (i === 0 || i === row.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()
  console.log(
    `\n${SECONDS} s after ${WARMUP_SECONDS} s of warm-up, loopback, one Postgres database, a round-robin proxy in front: ` +
      `${WRITERS} writers posting back to back, ${PAGE_READERS} readers reading thread pages, ${LIVE_READERS} live readers on ${THREADS} threads.\n` +
      'notice: from sending a post to its comment event reaching a live reader held by another process than the one that took the post ' +
      '(with 1 process, by that process); received: comment events that reached their live readers, of those expected.\n',
  )
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of cells) console.log(line(row))
  for (const row of rows)
    if (row.serverWarnings.length > 0) console.log(`\n${row.processes} process(es) logged:\n  ${row.serverWarnings.slice(0, 10).join('\n  ')}`)
}

const rows: Row[] = []
for (const processes of [1, 3]) {
  process.stderr.write(`bench:instances: ${processes} process(es), ${SECONDS} s…\n`)
  rows.push(await measure(processes))
}
printTable(rows)
process.exit(rows.every((r) => r.received === r.expected && r.failures.size === 0) ? 0 : 1)
