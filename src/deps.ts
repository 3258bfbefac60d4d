import type { Kysely } from 'kysely'
import type { PasswordHasher } from './auth/passwords.ts'
import type { Config } from './config.ts'
import type { Database } from './db/schema.ts'
import type { Log } from './log.ts'
import type { MarkdownRenderer } from './markdown/render.ts'

export interface Clock {
  now(): Date
}

export interface Deps {
  db: Kysely<Database>
  clock: Clock
  config: Config
  log: Log
  markdown: MarkdownRenderer
  passwords: PasswordHasher
}

export const systemClock: Clock = { now: () => new Date() }
