import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { createApp } from '../../src/app.ts'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { wasmPasswordHasher } from '../../src/auth/argon2-wasm.ts'
import { argon2idModules } from '../helpers/argon2id-modules.ts'
import type { PasswordHasher } from '../../src/deps.ts'
import { parseConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/schema.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'

// Does an answer's timing tell whether an address is registered? Each pair of requests is
// measured interleaved in one process on one database, so both sides see the same noise.
const ROUNDS = 40
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

async function timeHash(hasher: PasswordHasher): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 15; i++) {
    const started = performance.now()
    await hasher.hash(`password number ${i}`)
    times.push(performance.now() - started)
  }
  return median(times)
}

export async function authTiming(adminUrl: string) {
  const name = `engawa_auth_bench_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 4 }) }) })
  try {
    await migrateToLatest(db)
    let now = Date.now()
    const clock = { now: () => new Date(now) }
    const config = parseConfig({})
    const app = createApp({ db, clock, config, log: createLog('silent'), markdown: createMarkdownRenderer(), passwords: nodePasswordHasher })
    const post = (path: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: { origin: config.publicUrl, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const known = 'known@bench.example'
    await post('/api/v1/auth/signup', { email: known, password: 'the real password' })
    const mail = await db.selectFrom('outbox_mails').select('body_text').where('to_address', '=', known).executeTakeFirstOrThrow()
    const token = /#verify=([a-z0-9.]+)/.exec(mail.body_text ?? '')?.[1]
    await post('/api/v1/auth/verify', { token, password: 'the real password' })

    const pairs: Record<string, { known: number[]; unknown: number[] }> = { login: { known: [], unknown: [] }, signup: { known: [], unknown: [] }, reset: { known: [], unknown: [] } }
    const request = { login: (email: string) => ({ email, password: 'a wrong password' }), signup: (email: string) => ({ email, password: 'another password' }), reset: (email: string) => ({ email }) }
    for (let i = 0; i < ROUNDS; i++) {
      now += 2 * 60 * 60 * 1000 // past every rate-limit window
      for (const kind of ['login', 'signup', 'reset'] as const) {
        for (const side of i % 2 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
          const email = side === 'known' ? known : `nobody-${i}@bench.example`
          const started = performance.now()
          const res = await post(`/api/v1/auth/${kind}`, request[kind](email))
          pairs[kind]?.[side].push(performance.now() - started)
          if (res.status >= 500 || res.status === 429) throw new Error(`${kind} ${side}: ${res.status}`)
        }
      }
    }
    return {
      hashMs: { native: await timeHash(nodePasswordHasher), wasm: await timeHash(wasmPasswordHasher(argon2idModules)) },
      pairs: Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, { known: median(v.known), unknown: median(v.unknown) }])),
    }
  } finally {
    await db.destroy()
    for (let attempt = 0; attempt < 50; attempt++) {
      const dropped = await admin.query(`drop database if exists ${name}`).then(() => true, () => false)
      if (dropped) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await admin.end()
  }
}
