import type { ExecutionContext } from 'hono'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { createApp } from './app.ts'
import argon2idSimd from 'argon2id/dist/simd.wasm'
import argon2idNoSimd from 'argon2id/dist/no-simd.wasm'
import { wasmPasswordHasher } from './auth/argon2-wasm.ts'
import { parseConfig } from './config.ts'
import type { Database } from './db/schema.ts'
import { systemClock } from './deps.ts'
import { runMaintenance } from './jobs/maintenance.ts'
import { createLog, type LogLevel } from './log.ts'
import { createMarkdownRenderer } from './markdown/render.ts'
import { spamCheckFromConfig } from './authors/spam-check.ts'
import { createWidgetLoads } from './sites/install-check.ts'

interface Env {
  /** A Postgres connection string, or… */
  DATABASE_URL?: string
  /** …a Hyperdrive binding in front of the database. */
  HYPERDRIVE?: { connectionString: string }
  [name: string]: unknown
}

// Pure and costly to build, so made once per isolate; everything with I/O is made per request,
// because Workers cannot share a connection between requests.
const markdown = createMarkdownRenderer()
// Workers' logs keep console's level: errors show as errors, the rest as lines.
const byLevel = (line: string, level: LogLevel) => (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(line)
const passwords = wasmPasswordHasher({ simd: argon2idSimd, noSimd: argon2idNoSimd })

function stringVars(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

function openDatabase(env: Env, databaseUrl: string | undefined): Kysely<Database> | undefined {
  const connectionString = env.HYPERDRIVE?.connectionString ?? databaseUrl
  if (!connectionString) return undefined
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max: 1 }) }) })
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const config = parseConfig(stringVars(env))
    const db = openDatabase(env, config.databaseUrl)
    if (!db) return new Response('Engawa on Workers needs DATABASE_URL or a HYPERDRIVE binding.', { status: 500 })
    // Migrations run from the CLI (`npm run engawa -- migrate` with DATABASE_URL), not per request.
    const log = createLog(config.logLevel, byLevel)
    const loads = createWidgetLoads({ db, clock: systemClock, onError: (error) => log.warn('could not write the widget load counts', { error: String(error) }) })
    const app = createApp({ db, clock: systemClock, config, log, markdown, passwords, spamCheck: spamCheckFromConfig(config, log), loads })
    try {
      return await app.fetch(request, env, ctx)
    } finally {
      // This request's load, if it was one, is written after the answer.
      ctx.waitUntil(loads.flush().finally(() => db.destroy()))
    }
  },

  /** The Cron Trigger in wrangler.toml: clear what has expired. (Mail goes out from a Node instance or `engawa jobs run`.) */
  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const config = parseConfig(stringVars(env))
    const db = openDatabase(env, config.databaseUrl)
    if (!db) return
    const log = createLog(config.logLevel, byLevel)
    try {
      log.info('maintenance', await runMaintenance(db, systemClock.now(), config.publicUrl))
    } finally {
      ctx.waitUntil(db.destroy())
    }
  },
}
