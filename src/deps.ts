import type { Kysely } from 'kysely'
import type { PasswordHasher } from './auth/passwords.ts'
import type { Config } from './config.ts'
import type { Database } from './db/schema.ts'
import type { LiveFeed } from './live/feed.ts'
import type { Log } from './log.ts'
import type { MarkdownRenderer } from './markdown/render.ts'
import type { SpamCheck } from './moderation/spam-check.ts'
import type { ImportUploads } from './import/uploads.ts'

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
  /** New comments pushed to readers; absent where streams cannot be held (Workers). */
  live?: LiveFeed
  /** Asked about new comments on sites that opt in; absent unless configured. */
  spamCheck?: SpamCheck
  /** Imports from the admin API and the dashboard; absent where there is no disk (Workers: use the CLI). */
  imports?: ImportUploads
}

export const systemClock: Clock = { now: () => new Date() }
