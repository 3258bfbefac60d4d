import { afterAll } from 'vitest'
import type { Listen } from '../../src/db/pg-listen.ts'
import type { LiveFeed } from '../../src/deps.ts'
import { createLiveFeed } from '../../src/live/feed.ts'
import { createLog } from '../../src/log.ts'
import type { TestDatabase } from './backends.ts'

/** Live feeds on the test database (another connection's, for a second instance; another LISTEN), started, closed after the file. */
export function liveFeeds(database: () => TestDatabase) {
  const feeds: LiveFeed[] = []
  afterAll(async () => {
    for (const feed of feeds) await feed.close()
  })
  return async function feed(db = database().db, listen: Listen = database().listen): Promise<LiveFeed> {
    const live = createLiveFeed(db, listen, createLog('silent'))
    await live.start()
    feeds.push(live)
    return live
  }
}

/** A LISTEN that a test can cut: notifications are dropped while it is away, as over a lost connection; `resume` is its coming back. */
export function cuttableListen(database: () => TestDatabase) {
  const state = { away: false, resume: () => {} }
  const listen: Listen = (channel, handlers) => {
    state.resume = () => handlers.onResume?.()
    return database().listen(channel, { onPayload: (payload) => state.away || handlers.onPayload(payload) })
  }
  return {
    listen,
    cut: () => (state.away = true),
    resume() {
      state.away = false
      state.resume()
    },
  }
}
