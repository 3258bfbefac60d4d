import { spawn } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrateToLatest } from '../../src/db/migrate.ts'
import type { Database } from '../../src/db/schema.ts'
import { createSite } from '../../src/sites/sites.ts'
import { startWranglerDev } from '../helpers/wrangler-dev.ts'

// BENCH_ONLY=workers: the same database, the same requests, to the Node server (npm start's
// bundle) and to the worker in workerd (wrangler dev, local): a thread read, a post, and a
// sign-in (one Argon2id verification: native on Node, WebAssembly in workerd).
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ORIGIN = 'https://blog.example'
const PAGE = `${ORIGIN}/bench`
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const LIMITS = { COMMENTS_PER_IP: '1000000', COMMENTS_PER_ACCOUNT: '1000000' }

interface Figures {
  readRps: number
  readP50: number
  postRps: number
  postP50: number
  signInMs: number
  healthMs: number
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => void autocannon(options, (error, result) => (error ? reject(error) : resolve(result))))
}

async function timed(run: () => Promise<Response>, times = 9): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    const res = await run()
    await res.arrayBuffer()
    if (!res.ok) throw new Error(`answered ${res.status}`)
    ms.push(performance.now() - started)
  }
  return median(ms)
}

async function measure(url: string, siteId: string, email: string, password: string): Promise<Figures> {
  const read = `${url}/api/v1/sites/${siteId}/thread?url=${encodeURIComponent(PAGE)}`
  const headers = { origin: ORIGIN, 'content-type': 'application/json' }
  await cannon({ url: read, connections: 10, duration: 2, headers })
  const reads = await cannon({ url: read, connections: 10, duration: SECONDS, headers })
  let n = 0
  const post = { method: 'POST' as const, headers, setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ thread: { url: PAGE }, author: { name: 'Bench' }, body: `bench post ${n++}` }) }) }
  const posts = await cannon({ url: `${url}/api/v1/sites/${siteId}/comments`, connections: 10, duration: SECONDS, requests: [post] })
  if (reads.non2xx + posts.non2xx > 0) throw new Error(`${url}: ${reads.non2xx} reads and ${posts.non2xx} posts not 2xx`)
  const signIn = () => fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  return {
    readRps: reads.requests.average,
    readP50: reads.latency.p50,
    postRps: posts.requests.average,
    postP50: posts.latency.p50,
    signInMs: await timed(signIn),
    healthMs: await timed(() => fetch(`${url}/healthz`)),
  }
}

export async function workersVersusNode(): Promise<{ node: Figures; workerd: Figures }> {
  const name = `engawa_bench_workers_${process.pid}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const dbUrl = new URL(ADMIN_URL)
  dbUrl.pathname = `/${name}`
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: dbUrl.href, max: 2 }) }) })
  const node = spawn(process.execPath, ['dist/server.js'], { env: { ...process.env, ...LIMITS, LOG_LEVEL: 'info', DATABASE_URL: dbUrl.href, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let worker: Awaited<ReturnType<typeof startWranglerDev>> | undefined
  try {
    await migrateToLatest(db)
    const site = await createSite(db, { name: 'Bench', origins: [ORIGIN], authorPostsPerHour: 100_000 })
    let log = ''
    const nodeUrl = await new Promise<string>((resolve, reject) => {
      node.stderr?.on('data', (d) => {
        log += d
        const match = /"message":"listening","url":"([^"]+)"/.exec(log)
        // Then each request's log line is read and dropped, as a log collector would.
        if (match?.[1]) {
          resolve(match[1])
          log = ''
        }
      })
      node.once('exit', (code) => reject(new Error(`node exited with ${code}: ${log}`)))
    })
    // 200 comments on the page read, and an account to sign in with (its hash made on Node).
    for (let i = 0; i < 200; i++)
      await fetch(`${nodeUrl}/api/v1/sites/${site.id}/comments`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ thread: { url: PAGE }, author: { name: 'Seed' }, body: `comment ${i}` }) })
    const { nodePasswordHasher } = await import('../../src/auth/argon2-node.ts')
    // One account each: sign-in allows 10 tries per account in 15 minutes.
    const password = 'correct horse battery staple'
    for (const email of ['node@mail.example', 'workerd@mail.example'])
      await db.insertInto('users').values({ email, email_verified_at: new Date(), display_name: 'Bench', password_hash: await nodePasswordHasher.hash(password) }).execute()
    process.stderr.write('bench: workers: starting wrangler dev\n')
    worker = await startWranglerDev(dbUrl.href, { vars: { ...LIMITS, LOG_LEVEL: 'warn' } })
    // Interleaved: Node, workerd, each measured once after the other.
    const nodeFigures = await measure(nodeUrl, site.id, 'node@mail.example', password)
    const workerFigures = await measure(worker.url, site.id, 'workerd@mail.example', password)
    return { node: nodeFigures, workerd: workerFigures }
  } finally {
    await worker?.stop()
    node.kill('SIGTERM')
    await once(node, 'exit')
    await db.destroy()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}
