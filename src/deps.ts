import type { Kysely } from 'kysely'
import type { Config } from './config.ts'
import type { DatabaseCheck } from './db/database-checks.ts'
import type { Database } from './db/schema.ts'
import type { Log } from './log.ts'
import type { MarkdownRenderer } from './markdown/render.ts'

// What the app is built from. The services a runtime provides in its own way (native or WASM
// hashing, a spam service, live streams) are described here by what they do, so features name
// them without depending on whoever implements them.

export interface Clock {
  now(): Date
}

/** Argon2id on Node (native) and on Workers (WASM); each verifies the other's hashes. */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(phc: string, password: string): Promise<boolean>
}

/** What a spam service is told about a new comment. The address is passed on, never stored. */
export interface SpamCandidate {
  siteUrl: string
  pageUrl: string
  ip: string
  userAgent: string
  authorName: string
  authorEmail: string | null
  body: string
}

/** One question to any spam service: is this comment spam? */
export interface SpamCheck {
  isSpam(candidate: SpamCandidate): Promise<boolean>
}

/** One event for a thread's live readers: its name and its data, made once for all of them. */
export interface LiveEvent {
  name: string
  data: string
}

export interface LiveReader {
  /** `resumeFrom`: the thread position the reader holds everything up to, for a reconnect to resume from. */
  send(event: LiveEvent, resumeFrom: number): void
  /** The process is stopping: end the stream so shutdown need not wait for readers. */
  end(): void
}

/** What changes on a thread, pushed to the readers this process holds open (live/feed.ts). */
export interface LiveFeed {
  start(): Promise<void>
  /** `since`: the thread's lastSeq on the reader's page; what came after it is sent at once. */
  subscribe(siteId: string, key: string, reader: LiveReader, since?: number): Promise<() => void>
  /** A reader's own stream (`inboxKey`): told when something came for them, nothing more; no positions, no catch-up. */
  watch(siteId: string, key: string, reader: LiveReader): () => void
  readerCount(): number
  close(): Promise<void>
}

/**
 * Told of each committed change to a thread (threads/thread-changes.ts): this process's cached
 * pages of it go (threads/page-cache.ts), and on Workers its live readers are told.
 * `announcement` is what NOTIFY carries; null when no reader is to be told (a vote's new score).
 */
export interface ThreadPages {
  changed(siteId: string, key: string, announcement: string | null): void
}

/**
 * Live updates on Workers, which hold no streams of their own: each thread's Durable Object
 * holds its readers' streams (`connect` hands it the reader's request) and hears of each
 * committed change (`announce`).
 */
export interface LiveRelay {
  announce(siteId: string, key: string, announcement: string): void
  /** `of`: a thread's stream, or a reader's own (their inbox), held by objects of their own. */
  connect(siteId: string, key: string, request: Request, of?: 'thread' | 'reader'): Promise<Response>
}

/** The install check's counter of widget loads (sites/install-check.ts): counted in memory, written when flushed. */
export interface WidgetLoads {
  count(siteId: string, origin: string, page: string, allowed: boolean): void
  /** Writes what was counted since the last flush; never throws (the counts are a hint, not data). */
  flush(): Promise<void>
}

export interface Deps {
  db: Kysely<Database>
  /**
   * Public reads that may lag a moment behind `db` (thread pages, counts, feeds, community pages
   * and profiles): the replicas of DATABASE_READ_URL, when set. Absent: `db` (publicReads below).
   * Never for what follows a write in one request, a reader's own overlay, or a transaction.
   */
  readDb?: Kysely<Database>
  /** The primary and each replica, as /readyz reports them; absent: `db` alone is checked. */
  databaseChecks?: () => Promise<DatabaseCheck[]>
  clock: Clock
  config: Config
  log: Log
  markdown: MarkdownRenderer
  passwords: PasswordHasher
  /** New comments pushed to readers; absent where streams cannot be held (Workers). */
  live?: LiveFeed
  /** Asked about new comments on sites that opt in; absent unless configured. */
  spamCheck?: SpamCheck
  /** Workers' live updates through Durable Objects; absent on Node (live) and where none is bound. */
  relay?: LiveRelay
  /** Set by createApp, which keeps the cache; absent for writes from elsewhere (the CLI, jobs). */
  pages?: ThreadPages
  /** Counts where the widget loads, for the install check; absent where nothing counts (the CLI). */
  loads?: WidgetLoads
  /** The demo this process makes on an empty database (server.ts); /demo waits until it is made. Absent where none is made. */
  demo?: { ready(): Promise<void> }
}

export const systemClock: Clock = { now: () => new Date() }

/** Where a public read goes: a replica when there are some, the primary otherwise. */
export const publicReads = (deps: Pick<Deps, 'db' | 'readDb'>): Kysely<Database> => deps.readDb ?? deps.db
