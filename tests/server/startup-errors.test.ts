import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD_USER, startCluster, type Cluster } from '../helpers/pg-cluster.ts'
import { runEntry } from '../helpers/processes.ts'

// Each way a start can be misconfigured ends in one line that says what is wrong and what to
// do, and a non-zero exit; a port in use is found before anything is written.
const dir = mkdtempSync(join(tmpdir(), 'engawa-start-'))
let cluster: Cluster
let busy: Server
let busyPort = 0
beforeAll(async () => {
  cluster = await startCluster()
  await cluster.query('create database engawa')
  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  busyPort = (busy.address() as { port: number }).port
})
afterAll(async () => {
  busy?.close()
  await cluster?.remove()
  rmSync(dir, { recursive: true, force: true })
})

/** A folder this user cannot write in. Root writes anywhere but where the kernel refuses: in sysfs. */
function unwritableFolder(): string {
  if (process.getuid?.() === 0) return '/sys/fs'
  const folder = join(dir, 'read-only')
  mkdirSync(folder)
  chmodSync(folder, 0o555)
  return folder
}

async function startWith(env: Record<string, string>) {
  const result = await runEntry('src/server.ts', [], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DATA_DIR: join(dir, 'data'), ...env })
  // One line, one JSON object, whose message says what is wrong and what to do.
  const lines = result.stderr.trim().split('\n').map((line) => (JSON.parse(line) as { level: string; message: string }).message)
  expect(result.stderr.trim().split('\n').every((line) => JSON.parse(line).level === 'error')).toBe(true)
  return { code: result.code, lines }
}

describe('a start that cannot work', () => {
  const file = join(dir, 'a-file')
  writeFileSync(file, 'not a folder')

  it.concurrent.each<{ case: string; env: Record<string, string>; says: RegExp }>([
    { case: 'PORT=abc', env: { PORT: 'abc' }, says: /PORT="abc" is not a port number/ },
    { case: 'DATABASE_URL=localhost', env: { DATABASE_URL: 'localhost' }, says: /DATABASE_URL="localhost" is not a Postgres connection URL/ },
    {
      case: 'a replica URL that is not one, its password hidden',
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/engawa', DATABASE_READ_URL: 'postgres://engawa:secret@replica.example/engawa,replica2.example:5432' },
      says: /DATABASE_READ_URL="postgres:\/\/engawa:\*\*\*@replica\.example\/engawa,replica2\.example:5432" is not one or more Postgres connection URLs/,
    },
    { case: 'replicas without a primary', env: { DATABASE_READ_URL: 'postgres://replica.example/engawa' }, says: /DATABASE_READ_URL names replicas of the database in DATABASE_URL; set DATABASE_URL too/ },
    { case: 'SMTP_URL without a scheme', env: { SMTP_URL: 'mail.example:25' }, says: /SMTP_URL="mail.example:25" is not a mail server URL/ },
    { case: 'a DATA_DIR that is a file', env: { DATA_DIR: file }, says: /DATA_DIR .*a-file is a file, not a folder/ },
    { case: 'a DATA_DIR this user cannot write in', env: { DATA_DIR: unwritableFolder() }, says: /cannot write in DATA_DIR / },
    { case: 'a closed database port', env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/engawa' }, says: /Nothing answers at 127\.0\.0\.1:1 \(connection refused\)/ },
  ])('$case: one line that says what to do, exit 1', async ({ env, says }) => {
    const { code, lines } = await startWith(env)
    expect(code).toBe(1)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Engawa could not start\. /)
    expect(lines[0]).toMatch(says)
  })

  it.concurrent('a wrong database password, and a missing database: one line each, exit 1', async () => {
    const wrong = await startWith({ DATABASE_URL: cluster.url('engawa', { name: PASSWORD_USER.name, password: 'wrong' }) })
    expect(wrong.code).toBe(1)
    expect(wrong.lines).toEqual([expect.stringMatching(/refused the password for user "engawa_pw": correct the password in DATABASE_URL/)])
    const missing = await startWith({ DATABASE_URL: cluster.url('engawa_missing') })
    expect(missing.code).toBe(1)
    expect(missing.lines).toEqual([expect.stringMatching(/no database "engawa_missing" at 127\.0\.0\.1:\d+: create it/)])
  })

  it.concurrent('a port in use: found before the embedded database or the Postgres one is written', async () => {
    const dataDir = join(dir, 'untouched')
    const embedded = await startWith({ PORT: String(busyPort), DATA_DIR: dataDir })
    expect(embedded.code).toBe(1)
    expect(embedded.lines).toEqual([expect.stringMatching(new RegExp(`Port ${busyPort} on 127\\.0\\.0\\.1 is in use by another program`))])
    expect(existsSync(dataDir)).toBe(false)
    const postgres = await startWith({ PORT: String(busyPort), DATABASE_URL: cluster.url('engawa') })
    expect(postgres.code).toBe(1)
    const tables = await cluster.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`, 'engawa')
    expect(tables.rows[0].n).toBe(0)
  })
})
