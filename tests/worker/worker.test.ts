import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import { createSite } from '../../src/sites/sites.ts'
import { buildWorker } from '../helpers/build-worker.ts'
import { copyTemplateDatabase } from '../helpers/server-database.ts'
import { until } from '../helpers/until.ts'

const NODE_ONLY = [/@electric-sql\/pglite/, /@hono\/node-server/, /^src\/server\.ts$/, /^src\/cli\.ts$/, /^src\/db\/pglite\.ts$/, /^src\/db\/data-dir-lock\.ts$/]
// What Workers provide with nodejs_compat, plus pg's optional native binding, which pg only tries inside a catch.
const RUNTIME_IMPORTS = new Set([
  'node:module', 'cloudflare:sockets', 'pg-native', 'util', 'util/types', 'crypto', 'fs', 'dns', 'events', 'net', 'tls',
  'stream', 'string_decoder', 'path', 'url', 'os', 'buffer',
])

const dir = mkdtempSync(join(tmpdir(), 'engawa-worker-'))
const bundle = join(dir, 'worker.js')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the Workers entry', () => {
  let inputs: string[] = []
  let imports: string[] = []
  beforeAll(async () => {
    const meta = await buildWorker(bundle)
    inputs = Object.keys(meta.inputs)
    imports = Object.values(meta.outputs).flatMap((o) => o.imports.map((i) => i.path))
  })

  it('bundles without any Node-only module of ours or the embedded database', () => {
    expect(inputs).toContain('src/app.ts')
    for (const pattern of NODE_ONLY) expect(inputs.filter((i) => pattern.test(i))).toEqual([])
    expect([...new Set(imports)].filter((i) => !RUNTIME_IMPORTS.has(i))).toEqual([])
  })

  describe('in workerd, on the Postgres server', () => {
    const postgres = inject('postgres')
    let workerd: ChildProcess | undefined
    let url = ''
    let siteId = ''
    let dropDatabase = async () => {}
    beforeAll(async () => {
      if (!('template' in postgres)) return
      const copy = await copyTemplateDatabase(postgres, 'worker')
      dropDatabase = copy.drop
      const dbUrl = new URL(copy.url)
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: dbUrl.href }) }) })
      siteId = (await createSite(db, { name: 'Workers blog', origins: ['https://blog.example'] })).id
      await db.destroy()
      const port = await freePort()
      url = `http://127.0.0.1:${port}`
      writeFileSync(join(dir, 'config.capnp'), workerdConfig(port, dbUrl.href))
      workerd = spawn(join(process.cwd(), 'node_modules/.bin/workerd'), ['serve', join(dir, 'config.capnp')], { stdio: 'pipe' })
      await waitFor(`${url}/healthz`, 20_000)
    })
    afterAll(async () => {
      workerd?.kill('SIGKILL')
      await dropDatabase()
    })

    it('answers /healthz and /readyz, and posts and reads a thread', async () => {
      if (!('template' in postgres)) {
        if (process.env.CI === 'true') throw new Error(`Postgres is required under CI=true: ${postgres.unavailable}`)
        return
      }
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' })
      const page = 'https://blog.example/on-workers'
      const posted = await fetch(`${url}/api/v1/sites/${siteId}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://blog.example' },
        body: JSON.stringify({ thread: { url: page }, author: { name: 'Aki' }, body: 'from **workerd**' }),
      })
      expect(posted.status).toBe(201)
      const read = await (await fetch(`${url}/api/v1/sites/${siteId}/thread?url=${encodeURIComponent(page)}`)).json()
      expect(read.thread.total).toBe(1)
      expect(read.comments[0].html).toBe('<p>from <strong>workerd</strong></p>')
    })
  })
})

function workerdConfig(port: number, databaseUrl: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .engawa),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const engawa :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-06-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [(name = "DATABASE_URL", text = ${JSON.stringify(databaseUrl)}), (name = "LOG_LEVEL", text = "warn")],
  globalOutbound = "loopback",
);
`
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** Until the target answers 2xx: workerd takes a while to start on a loaded machine. */
function waitFor(target: string, timeoutMs: number) {
  return until(() => fetch(target).then((res) => res.ok, () => false), timeoutMs, `${target} answering`)
}
