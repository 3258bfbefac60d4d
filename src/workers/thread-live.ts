import { createApp } from '../app.ts'
import type { ListenHandlers } from '../db/pg-listen.ts'
import { createLiveFeed } from '../live/feed.ts'
import { ANNOUNCE_PATH } from './live-relay.ts'
import { openWorkerDatabase, workerConfig, workerDeps, type WorkerEnv } from './worker-env.ts'

/**
 * A thread's Durable Object: holds the live streams of the thread's readers (wherever they are,
 * every request for the thread's stream comes to this one object) and fans each committed change
 * out to them, as LISTEN/NOTIFY feeds a Node process. The streams are the app's own route, with
 * the same catch-up from `since`, so nothing published after a reader's page was read is missed.
 */
export class ThreadLive {
  private readonly fetchApp: (request: Request) => Promise<Response>
  private readonly started: Promise<void>
  private hear: ListenHandlers['onPayload'] = () => undefined

  constructor(_state: unknown, env: WorkerEnv) {
    const config = workerConfig(env)
    // An object lives on across requests: its connections are kept (a few, for readers catching up at once).
    const db = openWorkerDatabase(env, config, 3)
    if (!db) throw new Error('Engawa on Workers needs DATABASE_URL or a HYPERDRIVE binding.')
    const deps = workerDeps(config, db)
    const live = createLiveFeed(db, async (_channel, handlers) => {
      this.hear = handlers.onPayload
      return async () => undefined
    }, deps.log)
    this.started = live.start()
    const app = createApp({ ...deps, live })
    this.fetchApp = async (request) => app.fetch(request)
  }

  async fetch(request: Request): Promise<Response> {
    await this.started
    if (new URL(request.url).pathname === ANNOUNCE_PATH) {
      if (request.method !== 'POST') return new Response(null, { status: 405 })
      this.hear(await request.text())
      return new Response(null, { status: 204 })
    }
    return this.fetchApp(request)
  }
}
