import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { authTiming } from './auth-timing.ts'
import { firstPaint } from './browser-paint.ts'
import { idleReaders } from './idle-readers.ts'
import { templateStart } from './template-start.ts'
import { workersVersusNode } from './workers-vs-node.ts'

// npm run bench: HTTP benchmarks on loopback, bounded in time, on the Postgres server and on
// PGlite, printed as one table. BENCH_SECONDS sets each run's length (default 8).
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
// BENCH_ONLY=posts (a pattern of scenario names) runs just those scenarios, on the backends in
// BENCH_BACKENDS (default both), without the browser, start-up and password figures: for comparing
// two checkouts side by side.
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as Array<'postgres' | 'pglite'>
const WARMUP_SECONDS = 2
const CONNECTIONS = 50
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ORIGIN = 'https://blog.example'

interface Seeded {
  port: number
  siteId: string
  small: string
  large: string
  pagePath: string
  etag: string
  pageBytes: number
  largePageBytes: number
  seedSmallMs: number
  seedLargeMs: number
  /** The site of 100,000 comments in 2,000 threads (seed-community.ts). */
  busy: { siteId: string; readerId: string; threadUrl: string; seedMs: number }
}

interface Extras {
  paint: Awaited<ReturnType<typeof firstPaint>> | undefined
  readers: Awaited<ReturnType<typeof idleReaders>> | undefined
}

interface Row {
  backend: string
  scenario: string
  rps: number
  p50: number
  p99: number
  expected: number
  unexpected: number
}

function spawnTs(entry: string, env: Record<string, string>, stderr: 'pipe' | number = 'pipe', flags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...flags, '--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', stderr] })
}

async function firstLine(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<string> {
  let text = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${text}`)), timeoutMs)
    child[stream]?.on('data', (d: Buffer) => {
      text += d
      const line = text.split('\n').find((l) => pattern.test(l))
      if (line) {
        clearTimeout(timer)
        resolve(line)
      }
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)))
  })
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await once(child, 'exit')
  clearTimeout(timer)
}

function runCannon(options: autocannon.Options, onStatus: (status: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
    instance.on('response', (_client, status) => onStatus(status))
  })
}

/** Warms the route up (JIT, connection pool, query plans) for WARMUP_SECONDS, then measures. */
async function cannon(
  name: string,
  backend: string,
  url: string,
  expectedStatus: number,
  options: Partial<autocannon.Options> = {},
): Promise<Row | undefined> {
  if (ONLY && !ONLY.test(name)) return undefined
  const opts = { url, connections: CONNECTIONS, ...options, headers: { origin: ORIGIN, ...options.headers } }
  await runCannon({ ...opts, duration: WARMUP_SECONDS }, () => {})
  const counts = new Map<number, number>()
  const result = await runCannon({ ...opts, duration: SECONDS }, (status) => counts.set(status, (counts.get(status) ?? 0) + 1))
  const expected = counts.get(expectedStatus) ?? 0
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  return {
    backend,
    scenario: name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    expected,
    unexpected: total - expected + result.errors + result.timeouts,
  }
}

async function communityScenarios(backend: string, site: string, busy: Seeded['busy']) {
  const scenarios: Array<[string, string]> = [
    ['(i) community: newest comments', '/community'],
    ['(j) community: most active, week', '/community?tab=active&period=week'],
    ['(k) community: most active, month', '/community?tab=active&period=month'],
    ['(l) community: thread list', '/community?tab=threads'],
    ['(m) profile of a 500-comment reader', `/profiles/${busy.readerId}`],
    ['(n) thread page, same site', `/thread?url=${encodeURIComponent(busy.threadUrl)}`],
  ]
  const rows: Array<Row | undefined> = []
  for (const [name, path] of scenarios) rows.push(await cannon(name, backend, site + path, 200))
  return rows
}

async function withDatabase<T>(backend: 'postgres' | 'pglite', run: (env: Record<string, string>) => Promise<T>): Promise<T> {
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'engawa-bench-'))
    try {
      return await run({ DATA_DIR: dir, DATABASE_URL: '' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const name = `engawa_bench_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  try {
    return await run({ DATABASE_URL: url.href })
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

async function throughput(backend: 'postgres' | 'pglite'): Promise<{ rows: Row[]; seeded: Seeded; extras: Extras }> {
  return withDatabase(backend, async (env) => {
    // Logged as in production (an access-log line a request), to a file nobody has to drain.
    const logFile = join(tmpdir(), `engawa-bench-${backend}.log`)
    // Seeding 10,000 comments through the API takes minutes: only when a scenario reads them.
    const large = !ONLY || ONLY.test('(f) (b) on 10,000 comments') ? '1' : '0'
    const server = spawnTs('tests/bench/bench-server.ts', { ...env, LOG_LEVEL: 'info', BENCH_LARGE: large }, openSync(logFile, 'w'), ['--expose-gc'])
    try {
      const seeded = JSON.parse(await firstLine(server, 'stdout', /^\{"port"/, 600_000)) as Seeded
      const base = `http://127.0.0.1:${seeded.port}`
      const largePath = `/api/v1/sites/${seeded.siteId}/thread?url=${encodeURIComponent(seeded.large)}`
      const post = JSON.stringify({
        thread: { url: `${ORIGIN}/bench/posts`, title: 'Posting' },
        author: { name: 'Bench reader' },
        body: 'A **new** comment with [a link](https://example.org/x), `code` and\n\n> a quote.',
      })
      // First, on a quiet heap: what 2,000 idle live readers cost this one process.
      const livePath = `/api/v1/sites/${seeded.siteId}/thread/live?url=${encodeURIComponent(seeded.small)}`
      const readers = ONLY ? undefined : await idleReaders(seeded.port, livePath, 2000)
      // Posting runs last: the rows it adds set autovacuum going, which would weigh on whatever came next.
      const rows = [
        await cannon('(a) first page, normal path', backend, base + seeded.pagePath, 200),
        await cannon('(b) first page, no app cache', backend, `${base}/nocache${seeded.pagePath}`, 200),
        await cannon('(f) (b) on 10,000 comments', backend, `${base}/nocache${largePath}`, 200),
        await cannon('(c) conditional GET, 304', backend, base + seeded.pagePath, 304, { headers: { 'if-none-match': seeded.etag } }),
        // A browser's revalidation reaching an instance that has not cached the page.
        await cannon('(h) (c) with no app cache', backend, `${base}/nocache${seeded.pagePath}`, 304, { headers: { 'if-none-match': seeded.etag } }),
        await cannon('(e) ceiling: same bytes, no work', backend, `${base}/bench/ceiling`, 200),
        // The discussion side on a site of 100,000 comments in 2,000 threads, without the app's cache:
        // each page is its queries. Beside them, a 50-comment thread page of the same site.
        ...(await communityScenarios(backend, `${base}/nocache/api/v1/sites/${seeded.busy.siteId}`, seeded.busy)),
        await cannon('(d) guest posts', backend, `${base}/api/v1/sites/${seeded.siteId}/comments`, 201, {
          method: 'POST',
          body: post,
          headers: { 'content-type': 'application/json' },
        }),
        // As the widget posts: each submission with an Idempotency-Key of its own, remembered for a day.
        await cannon('(g) (d) with Idempotency-Key', backend, `${base}/api/v1/sites/${seeded.siteId}/comments`, 201, {
          method: 'POST',
          body: post,
          headers: { 'content-type': 'application/json' },
          requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': crypto.randomUUID() } }) }],
        }),
      ].filter((row) => row !== undefined)
      // In a browser: script start to first paint of the 200-comment thread.
      const paint = ONLY ? undefined : await firstPaint(`${base}/bench/article`)
      return { rows, seeded, extras: { paint, readers } }
    } finally {
      await stop(server)
    }
  })
}

/** Time from `npm start` to an answered /healthz, and the server's resident memory once idle. */
async function coldStart(env: Record<string, string>): Promise<number> {
  const started = performance.now()
  const child = spawn('npm', ['start'], { env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  try {
    const line = await firstLine(child, 'stderr', /"message":"listening"/, 120_000)
    const url = /"url":"([^"]+)"/.exec(line)?.[1]
    await fetch(`${url}/healthz`)
    return performance.now() - started
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGINT')
    await once(child, 'exit')
  }
}

async function idleRss(env: Record<string, string>): Promise<number> {
  const child = spawnTs('src/server.ts', { ...env, PORT: '0', LOG_LEVEL: 'info' })
  try {
    await firstLine(child, 'stderr', /"message":"listening"/, 120_000)
    await new Promise((r) => setTimeout(r, 3000))
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
  } finally {
    await stop(child)
  }
}

async function startups(backend: 'postgres' | 'pglite') {
  return withDatabase(backend, async (env) => {
    const empty = await coldStart(env)
    const existing = await coldStart(env)
    const rss = await idleRss(env)
    return { empty, existing, rss }
  })
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The embedded database's first start with and without the build's template, beside an existing folder. */
async function printTemplateStart() {
  const s = await templateStart()
  console.log(
    `embedded database, server start to first answer (median of 5): empty folder from the template ${fmt(s.template)} ms, ` +
      `empty folder migrated from scratch ${fmt(s.noTemplate)} ms (${fmt(s.template / s.noTemplate, 2)}×), existing folder ${fmt(s.existing)} ms (template/existing ${fmt(s.template / s.existing, 2)}); ` +
      `existing folder through tsx instead of the bundle ${fmt(s.existingTsx)} ms (bundle/tsx ${fmt(s.existing / s.existingTsx, 2)})`,
  )
}
/** The worker in workerd beside the Node server, on one database. */
async function printWorkersVersusNode() {
  const { node, workerd } = await workersVersusNode()
  const line = (name: string, f: typeof node) =>
    `${name}: thread read ${fmt(f.readRps)} req/s (p50 ${fmt(f.readP50)} ms), post ${fmt(f.postRps)} req/s (p50 ${fmt(f.postP50)} ms), sign-in ${fmt(f.signInMs, 1)} ms, /healthz ${fmt(f.healthMs, 1)} ms (medians of 9)`
  console.log(`Workers (wrangler dev, local workerd) beside Node (dist/server.js), same Postgres, 10 connections:\n  ${line('node', node)}\n  ${line('workerd', workerd)}`)
  console.log(`  workerd/node: reads ${fmt(workerd.readRps / node.readRps, 2)}, posts ${fmt(workerd.postRps / node.postRps, 2)}; one Argon2id verification ≈ sign-in − /healthz: node ${fmt(node.signInMs - node.healthMs, 1)} ms, workerd ${fmt(workerd.signInMs - workerd.healthMs, 1)} ms`)
}
// BENCH_ONLY=workers: just that.
if (ONLY?.test('workers')) {
  await printWorkersVersusNode()
  process.exit(0)
}
// BENCH_ONLY=startup: just that.
if (ONLY?.test('startup')) {
  await printTemplateStart()
  process.exit(0)
}

const results: Row[] = []
const notes: string[] = []
for (const backend of BACKENDS) {
  process.stderr.write(`bench: ${backend}: seeding and measuring (${SECONDS} s a run)…\n`)
  const { rows, seeded, extras } = await throughput(backend)
  results.push(...rows)
  if (ONLY || !extras.readers) continue
  const s = await startups(backend)
  const by = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix))?.rps ?? 0
  notes.push(
    `${backend}: busy site (100,000 comments, 2,000 threads) seeded in ${fmt(seeded.busy.seedMs)} ms; first page ${fmt(seeded.pageBytes)} bytes (of the 10,000-comment thread: ${fmt(seeded.largePageBytes)}); seeded 200 comments in ${fmt(seeded.seedSmallMs)} ms, 10,000 in ${fmt(seeded.seedLargeMs)} ms; ` +
      `(a)/(e) = ${fmt(by('(a)') / by('(e)'), 2)}, (f)/(b) = ${fmt(by('(f)') / by('(b)'), 2)}; ` +
      `npm start cold: ${fmt(s.empty)} ms on an empty database, ${fmt(s.existing)} ms on an existing one; idle RSS ${fmt(s.rss)} MiB; ` +
      (extras.paint
        ? `widget, script start to first paint of the 200-comment thread: ${fmt(extras.paint.medianMs)} ms (median of 7 loads), after ${extras.paint.requests.length} requests (${extras.paint.requests.join(', ')}); `
        : 'widget first paint: not measured (no Chromium); ') +
      `${fmt(extras.readers.count)} idle live readers held: RSS ${fmt(extras.readers.rssMiB[0])} → ${fmt(extras.readers.rssMiB[1])} MiB, ` +
      `${fmt(extras.readers.perReaderKiB, 1)} KiB each (of which JS heap ${fmt(extras.readers.heapPerReaderKiB, 1)} KiB)`,
  )
}

const header = ['backend', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'expected', 'other']
const table = results.map((r) => [r.backend, r.scenario, fmt(r.rps), fmt(r.p50), fmt(r.p99), fmt(r.expected), fmt(r.unexpected)])
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]?.length ?? 0)))
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s of warm-up, loopback, one server process\n`)
console.log(line(header))
console.log(widths.map((w) => '-'.repeat(w)).join('  '))
for (const row of table) console.log(line(row))
console.log('')
for (const note of notes) console.log(note)

// Accounts: the cost of one password hash, and whether an answer's time tells if an address is registered.
if (ONLY) process.exit(0)
await printTemplateStart()
const auth = await authTiming(ADMIN_URL)
console.log('')
console.log(`argon2id (m=19456 KiB, t=2, p=1), median of 15 hashes: native ${fmt(auth.hashMs.native, 1)} ms, WASM ${fmt(auth.hashMs.wasm, 1)} ms`)
for (const [kind, t] of Object.entries(auth.pairs))
  console.log(`${kind.padEnd(6)} median ms, registered vs unknown address (40 interleaved pairs): ${fmt(t.known, 1)} vs ${fmt(t.unknown, 1)}`)
