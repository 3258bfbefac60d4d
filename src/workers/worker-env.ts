import argon2idNoSimd from 'argon2id/dist/no-simd.wasm'
import argon2idSimd from 'argon2id/dist/simd.wasm'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { wasmPasswordHasher } from '../auth/argon2-wasm.ts'
import { spamCheckFromConfig } from '../authors/spam-check.ts'
import { parseConfig, type Config } from '../config.ts'
import type { Database } from '../db/schema.ts'
import { CONNECT_TIMEOUT_MS } from '../db/unavailable.ts'
import { systemClock, type Deps } from '../deps.ts'
import { createLog, type LogLevel } from '../log.ts'
import { createMarkdownRenderer } from '../markdown/render.ts'

/** The parts of Workers' Durable Object API that Engawa uses (its types are not loaded here). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: unknown): { fetch(input: Request | string, init?: RequestInit): Promise<Response> }
}

/** What wrangler.toml binds: vars and secrets (strings), Hyperdrive, the live objects. */
export interface WorkerEnv {
  /** A Postgres connection string, or… */
  DATABASE_URL?: string
  /** …a Hyperdrive binding in front of the database. */
  HYPERDRIVE?: { connectionString: string }
  /** One Durable Object per thread, holding its readers' live streams. */
  THREAD_LIVE?: DurableObjectNamespaceLike
  [name: string]: unknown
}

// Pure and costly to build, so made once per isolate.
const markdown = createMarkdownRenderer()
const passwords = wasmPasswordHasher({ simd: argon2idSimd, noSimd: argon2idNoSimd })
// Workers' logs keep console's level: errors show as errors, the rest as lines.
const byLevel = (line: string, level: LogLevel) => (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(line)

export function workerConfig(env: WorkerEnv): Config {
  return parseConfig(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string')))
}

export function openWorkerDatabase(env: WorkerEnv, config: Config, connections = 1): Kysely<Database> | undefined {
  const connectionString = env.HYPERDRIVE?.connectionString ?? config.databaseUrl
  if (!connectionString) return undefined
  const pool = new pg.Pool({ connectionString, max: connections, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  // As on Node (db/pg.ts): a connection lost while idle says so with an 'error' event that, unheard,
  // ends the isolate; the next query finds out and answers 503.
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/** The app's dependencies on Workers, but for what each caller adds (the install check, live updates). */
export function workerDeps(config: Config, db: Kysely<Database>): Deps {
  const log = createLog(config.logLevel, byLevel)
  return { db, clock: systemClock, config, log, markdown, passwords, spamCheck: spamCheckFromConfig(config, log) }
}
