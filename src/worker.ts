import type { ExecutionContext } from 'hono'
import { createApp } from './app.ts'
import { systemClock } from './deps.ts'
import { createWidgetLoads } from './sites/install-check.ts'
import { runScheduledWork } from './workers/background.ts'
import { durableObjectRelay } from './workers/live-relay.ts'
import { openWorkerDatabase, workerConfig, workerDeps, type WorkerEnv } from './workers/worker-env.ts'

// Workers entry (wrangler.toml): the same app as on Node, made per request, because Workers
// cannot share a connection between requests; live streams are held by each thread's Durable Object.
export { ThreadLive } from './workers/thread-live.ts'

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const config = workerConfig(env)
    const db = openWorkerDatabase(env, config)
    if (!db) return new Response('Engawa on Workers needs DATABASE_URL or a HYPERDRIVE binding.', { status: 500 })
    // Migrations run from the CLI (`npm run engawa -- migrate` with DATABASE_URL), not per request.
    const deps = workerDeps(config, db)
    const { log } = deps
    const loads = createWidgetLoads({ db, clock: systemClock, onError: (error) => log.warn('could not write the widget load counts', { error: String(error) }) })
    const relay = env.THREAD_LIVE && durableObjectRelay(env.THREAD_LIVE, (work) => ctx.waitUntil(work), (error) => log.warn('a live update was not relayed', { error: String(error) }))
    const app = createApp({ ...deps, loads, relay })
    try {
      return await app.fetch(request, env, ctx)
    } finally {
      // This request's load, if it was one, is written after the answer.
      ctx.waitUntil(loads.flush().finally(() => db.destroy()))
    }
  },

  /** The Cron Trigger in wrangler.toml: maintenance, webhooks, and mail through an HTTP mail API. */
  async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const config = workerConfig(env)
    const db = openWorkerDatabase(env, config)
    if (!db) return
    const deps = workerDeps(config, db)
    try {
      const round = await runScheduledWork(deps)
      deps.log.info('background round', round)
      if (Object.keys(round.failed).length > 0) deps.log.error('background work failed', { failed: round.failed })
    } finally {
      ctx.waitUntil(db.destroy())
    }
  },
}
