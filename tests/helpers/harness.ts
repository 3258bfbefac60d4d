import { createWidgetLoads } from '../../src/sites/install-check.ts'
import type { Kysely } from 'kysely'
import { createApp } from '../../src/app.ts'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import type { PasswordHasher } from '../../src/deps.ts'
import type { LiveFeed } from '../../src/deps.ts'
import { parseConfig, type Config } from '../../src/config.ts'
import type { SpamCheck } from '../../src/deps.ts'
import type { ImportUploads } from '../../src/import/uploads.ts'
import type { Database, SiteRow } from '../../src/db/schema.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { createSite, type NewSite } from '../../src/sites/sites.ts'
import type { TestDatabase } from './backends.ts'
import { createFakeClock, type FakeClock } from './fake-clock.ts'

export const SITE_ORIGIN = 'https://blog.example'
export const ARTICLE_URL = `${SITE_ORIGIN}/posts/japan-ai-copyright`

type SiteTable = 'threads' | 'comments' | 'votes'

export interface RequestOptions {
  /** The Origin header; the site's own by default, false to send none. */
  origin?: string | false
  headers?: Record<string, string>
  /** The client's address as the socket would give it; the app's own by default. */
  ip?: string
}

export interface TestApp {
  app: ReturnType<typeof createApp>
  db: Kysely<Database>
  clock: FakeClock
  site: SiteRow & { origin: string }
  /** The address this app's requests come from (random, so rate limits do not carry over between tests). */
  ip: string
  logs: string[]
  /** Writes the widget loads counted so far (the server does so every 5 s). */
  flushLoads(): Promise<void>
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Response>
  get(path: string, options?: RequestOptions): Promise<Response>
  post(path: string, body: unknown, options?: RequestOptions): Promise<Response>
  count(table: SiteTable): Promise<number>
}

export interface StartOptions {
  site?: Partial<NewSite>
  config?: Partial<Config>
  clock?: FakeClock
  db?: Kysely<Database>
  passwords?: PasswordHasher
  live?: LiveFeed
  spamCheck?: SpamCheck
  imports?: ImportUploads
}

/**
 * An app on the file's database, with a site of its own, a fake clock and no page cache.
 * Tests post many comments from one address, so the posting limits are lifted unless a test
 * sets them (in `config.commentLimits` and the site's `authorPostsPerHour`).
 */
export async function startApp(database: TestDatabase, options: StartOptions = {}): Promise<TestApp> {
  const db = options.db ?? database.db
  const clock = options.clock ?? createFakeClock()
  const logs: string[] = []
  const config = { ...parseConfig({ PAGE_CACHE_MS: '0', COMMENTS_PER_IP: '100000', COMMENTS_PER_ACCOUNT: '100000' }), ...options.config }
  const passwords = options.passwords ?? nodePasswordHasher
  const loads = createWidgetLoads({ db, clock, onError: (error) => logs.push(String(error)) })
  const app = createApp({ db, clock, config, log: createLog('info', (l) => logs.push(l)), markdown: createMarkdownRenderer(), passwords, live: options.live, spamCheck: options.spamCheck, loads }, { uploads: options.imports })
  const ip = `10.${randomByte()}.${randomByte()}.${randomByte()}`
  const site = await createSite(database.db, { name: 'Test blog', origins: [SITE_ORIGIN], authorPostsPerHour: 100_000, ...options.site })
  const request = async (method: string, path: string, body?: unknown, opts: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    const origin = opts.origin ?? SITE_ORIGIN
    if (origin !== false) headers.origin = origin
    let payload: BodyInit | undefined
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json'
      payload = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body)
    }
    return app.request(path, { method, headers, body: payload }, { incoming: { socket: { remoteAddress: opts.ip ?? ip } } })
  }
  return {
    app,
    db,
    clock,
    site: { ...site, origin: SITE_ORIGIN },
    ip,
    logs,
    flushLoads: () => loads.flush(),
    request,
    get: (path, opts) => request('GET', path, undefined, opts),
    post: (path, body, opts) => request('POST', path, body, opts),
    count: async (table) => {
      const row = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_id', '=', site.id)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
  }
}

function randomByte(): number {
  return Math.floor(Math.random() * 256)
}
