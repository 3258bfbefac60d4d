import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Cluster } from './pg-cluster.ts'
import { freePort } from './wrangler-dev.ts'

const run = promisify(execFile)

/** Whether Debian's pgbouncer is installed (.ci/run installs it); under CI=true a test needing it fails instead of skipping. */
export async function pgbouncerAvailable(): Promise<{ available: boolean; reason: string }> {
  try {
    await run('pgbouncer', ['--version'])
    return { available: true, reason: '' }
  } catch {
    return { available: false, reason: 'pgbouncer is not installed (apt-get install pgbouncer)' }
  }
}

export interface PgBouncer {
  /** A connection URL for a database of the cluster, through the pooler. */
  url(database: string): string
  stop(): Promise<void>
}

/**
 * PgBouncer in transaction mode in front of a test's own cluster (never the shared server): a
 * server connection is a client's only for the length of a transaction, so nothing of a session
 * (an advisory lock, LISTEN, a named prepared statement) outlives one. Runs as `postgres` when
 * the tests run as root, as pgbouncer refuses root.
 */
export async function startPgBouncer(cluster: Cluster, databases: string[]): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'engawa-pgbouncer-'))
  const port = await freePort()
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n')
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      ...databases.map((name) => `${name} = host=127.0.0.1 port=${cluster.port} dbname=${name}`),
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  )
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    for (const file of ['', 'users.txt', 'pgbouncer.ini']) chownSync(join(dir, file), uid, gid)
  }
  const ini = join(dir, 'pgbouncer.ini')
  const child: ChildProcess = asRoot ? spawn('runuser', ['-u', 'postgres', '--', 'pgbouncer', ini], { stdio: 'pipe' }) : spawn('pgbouncer', [ini], { stdio: 'pipe' })
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const deadline = Date.now() + 20_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pgbouncer did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((resolve) => child.once('exit', resolve))
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

