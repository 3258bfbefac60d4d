import { createAdaptorServer } from '@hono/node-server'
import { expect } from 'vitest'
import type { Server } from 'node:http'
import { createApp } from '../../src/app.ts'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { parseConfig } from '../../src/config.ts'
import { systemClock } from '../../src/deps.ts'
import { createWidgetLoads } from '../../src/sites/install-check.ts'
import { ensureDemo } from '../../src/demo/seed.ts'
import { createLiveFeed } from '../../src/live/feed.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { withPublicFiles } from '../../src/public-files.ts'
import { ENGAWA_ADDRESS, listenOnLoopback, type LoopbackServer } from './browser.ts'
import type { TestDatabase } from './backends.ts'
import type { ImportUploads } from '../../src/import/uploads.ts'

/**
 * Engawa as a browser meets it, in this process on the file's database: the app and public/
 * on 127.0.0.1 and a free port, with PUBLIC_URL set to that origin (its own origin, as in
 * production: cookies and the CSRF check depend on it).
 */
export async function serveEngawa(
  database: TestDatabase,
  options: { demo?: boolean; live?: boolean; imports?: ImportUploads } = {},
): Promise<LoopbackServer & { logs: string[]; flushLoads: () => Promise<void> }> {
  let handler: ((request: Request, env: unknown) => Response | Promise<Response>) | undefined
  const server = createAdaptorServer({ fetch: (request, env) => (handler ? handler(request, env) : new Response('starting', { status: 503 })) })
  const listening = await listenOnLoopback(server as Server, ENGAWA_ADDRESS)
  const logs: string[] = []
  // Every test of a file posts from 127.0.0.1: the per-network limit is lifted, as in startApp.
  const config = { ...parseConfig({ PAGE_CACHE_MS: '0', COMMENTS_PER_IP: '100000', COMMENTS_PER_ACCOUNT: '100000' }), publicUrl: listening.origin }
  const live = createLiveFeed(database.db, database.listen, createLog('silent'))
  await live.start()
  const loads = createWidgetLoads({ db: database.db, clock: systemClock })
  const app = createApp({
    db: database.db,
    clock: systemClock,
    loads,
    config,
    log: createLog('info', (line) => logs.push(line)),
    markdown: createMarkdownRenderer(),
    passwords: nodePasswordHasher,
    // Without live updates, as on Workers: the widget falls back to polling.
    live: options.live === false ? undefined : live,
  }, { uploads: options.imports })
  if (options.demo) await ensureDemo(database.db, config, createMarkdownRenderer(), new Date())
  const root = withPublicFiles(app)
  handler = (request, env) => root.fetch(request, env)
  let closed = false
  return {
    ...listening,
    logs,
    /** Writes the widget loads counted so far (the server does so every 5 s). */
    flushLoads: () => loads.flush(),
    close: async () => {
      if (closed) return
      closed = true
      await live.close()
      await listening.close()
    },
  }
}

/**
 * Signs up on a running Engawa over HTTP, as the popup would, and follows the emailed link
 * (read from the outbox): an account with a dashboard cookie, returned as a Cookie header value.
 */
export async function signUpOver(origin: string, database: TestDatabase, email: string, displayName: string): Promise<string> {
  const post = (path: string, body: unknown) =>
    fetch(`${origin}${path}`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect((await post('/api/v1/auth/signup', { email, password: ACCOUNT_PASSWORD, displayName })).status).toBe(202)
  const mail = await database.db.selectFrom('outbox_mails').select('body_text').where('to_address', '=', email).executeTakeFirstOrThrow()
  const token = /#verify=([a-z0-9.]+)/.exec(mail.body_text ?? '')?.[1]
  const verified = await post('/api/v1/auth/verify', { token, password: ACCOUNT_PASSWORD })
  expect(verified.status).toBe(200)
  return /(engawa_session=[^;]+)/.exec(verified.headers.get('set-cookie') ?? '')?.[1] ?? ''
}

/** The password signUpOver gives every account. */
export const ACCOUNT_PASSWORD = 'correct horse battery staple'
