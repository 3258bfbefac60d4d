import { execFile } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort } from './wrangler-dev.ts'

const run = promisify(execFile)

/** A user that Postgres allows only with its password; every other local user is trusted. */
export const PASSWORD_USER = { name: 'engawa_pw', password: 'the-right-password' }

export interface Cluster {
  port: number
  /** A connection URL on 127.0.0.1 for the database (and user, with its password). */
  url(database: string, user?: { name: string; password: string }): string
  /** Runs SQL as the superuser on a database (postgres by default). */
  query(sql: string, database?: string): Promise<pg.QueryResult>
  /** Stops the server; `immediate` is a crash, without a shutdown checkpoint. */
  stop(mode: 'fast' | 'immediate'): Promise<void>
  /** Starts it and resolves when it accepts connections, with that time (Date.now()). */
  start(): Promise<number>
  /** Stops it, whatever its state, and removes its folder. */
  remove(): Promise<void>
}

/**
 * A Postgres cluster of the test's own (initdb into a temporary folder, a free port on
 * 127.0.0.1, its socket in that folder), for tests that restart or stop the database: never
 * the shared server. Runs as the `postgres` user when the tests run as root, as Postgres demands.
 */
export async function startCluster(): Promise<Cluster> {
  const { dir, data, pgCommand } = await clusterFolder()
  await pgCommand('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
  writeFileSync(
    join(data, 'pg_hba.conf'),
    [
      'local all all trust',
      `host all ${PASSWORD_USER.name} 127.0.0.1/32 scram-sha-256`,
      'host all all 127.0.0.1/32 trust',
      // A streaming replica (startReplica) copies and follows it over these.
      'local replication all trust',
      'host replication all 127.0.0.1/32 trust',
      '',
    ].join('\n'),
  )
  const cluster = await serve(dir, data, pgCommand)
  await cluster.query(`create role ${PASSWORD_USER.name} login superuser password '${PASSWORD_USER.password}'`)
  return cluster
}

/**
 * A streaming replica of `primary` (a cluster of startCluster's): a base backup taken with
 * pg_basebackup, started as a hot standby on a port of its own. Its queries may read; replay
 * can be paused (`select pg_wal_replay_pause()`) to make it lag.
 */
export async function startReplica(primary: Cluster): Promise<Cluster> {
  const { dir, data, pgCommand } = await clusterFolder()
  // A slot of its own, holding WAL from before the backup starts, keeps every segment this
  // replica needs: without one, another backup's checkpoint (or one while this replica is
  // stopped) can recycle a segment before it is streamed. pg_basebackup's own -C makes the slot
  // only once streaming begins, which is too late.
  const slot = `replica_${basename(dir).replace(/[^a-z0-9]/gi, '_').toLowerCase()}`
  await primary.query(`select pg_create_physical_replication_slot('${slot}', true)`)
  await pgCommand('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-S', slot, '-X', 'stream', '-c', 'fast', '--no-sync'])
  return serve(dir, data, pgCommand)
}

type PgCommand = (command: string, args: string[]) => Promise<unknown>

/** A temporary folder the cluster's user owns, and how to run Postgres's programs as that user. */
async function clusterFolder(): Promise<{ dir: string; data: string; pgCommand: PgCommand }> {
  const bin = (await run('pg_config', ['--bindir'])).stdout.trim()
  const dir = mkdtempSync(join(tmpdir(), 'engawa-pg-'))
  const data = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const uid = Number(stdout.trim())
    chownSync(dir, uid, Number((await run('id', ['-g', 'postgres'])).stdout.trim()))
  }
  const pgCommand = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args)
  return { dir, data, pgCommand }
}

/** Starts the cluster in `data` on a free loopback port, its socket in `dir`. */
async function serve(dir: string, data: string, pgCommand: PgCommand): Promise<Cluster> {
  const port = await freePort()
  // Fast and small: a test cluster holds a few thousand rows. fsync off still survives a crash of
  // Postgres itself (what an immediate stop is), since committed WAL is in the kernel's buffers.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`
  const start = async () => {
    await pgCommand('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start'])
    return Date.now()
  }
  await start()
  const url = (database: string, user?: { name: string; password: string }) =>
    user ? `postgres://${user.name}:${user.password}@127.0.0.1:${port}/${database}` : `postgres://postgres@127.0.0.1:${port}/${database}`
  const query = async (sql: string, database = 'postgres') => {
    const client = new pg.Client({ connectionString: url(database) })
    await client.connect()
    try {
      return await client.query(sql)
    } finally {
      await client.end()
    }
  }
  const stop = async (mode: 'fast' | 'immediate') => {
    await pgCommand('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'])
  }
  return {
    port,
    url,
    query,
    stop,
    start,
    remove: async () => {
      await stop('immediate').catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
