import { createRoute, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import { threadKeyOf } from '../threads/thread-key.ts'
import { SiteParam, errorResponses } from '../http/openapi.ts'
import { AppError } from '../http/errors.ts'
import { keyText, text } from '../http/text.ts'
import type { Deps } from '../deps.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { createStreamQuota } from './stream-quota.ts'
import { createRouter } from '../http/router.ts'

const KEEPALIVE_MS = 25_000

const liveRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/thread/live',
  summary: 'New comments on a thread as they are published (Server-Sent Events)',
  description:
    'Each `comment` event carries one new published comment (as in a thread page). Pass `since` (the thread\'s ' +
    '`lastSeq` on the page you show) and every comment published after that page was read is sent first, so none ' +
    'is missed between reading the page and opening the stream; an event\'s `id` is the position to resume from, ' +
    'which browsers send back as `Last-Event-ID` when they reconnect. Where the server cannot hold streams ' +
    '(Workers) it answers 501, and the widget polls the page with `If-None-Match` instead.',
  request: {
    params: SiteParam,
    query: z.object({
      key: keyText(500).optional(),
      url: text().max(2000).optional(),
      since: z.coerce.number().int().min(0).optional().openapi({ description: "The thread's lastSeq on the reader's page." }),
    }),
    headers: z.object({ 'last-event-id': z.string().regex(/^\d{1,15}$/).optional() }),
  },
  responses: {
    200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(400, 404, 422, 429, 501),
  },
})

export function liveRoutes({ live, relay, log, config }: Pick<Deps, 'live' | 'relay' | 'log' | 'config'>) {
  const quota = createStreamQuota(config.liveStreamLimits)
  return createRouter().openapi(liveRoute, (c) => {
    const site = c.var.site
    const query = c.req.valid('query')
    const key = threadKeyOf(site, query)
    // On Workers the thread's Durable Object holds the stream: it answers this same request.
    if (!live && relay) return relay.connect(site.id, key, c.req.raw)
    if (!live) throw new AppError('live_unavailable', 'Live updates are not available here; poll the thread instead.')
    const release = quota.take(addressBucket(clientIp(c, config.trustedProxies)))
    if (!release)
      throw new AppError('rate_limited', 'Too many live streams are open from your network; this page will check for new comments now and then instead.', { retryAfter: 60 })
    const resumed = c.req.valid('header')['last-event-id']
    const since = resumed !== undefined ? Number(resumed) : query.since
    c.header('Cache-Control', 'no-store')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let wake: () => void = () => undefined
      let ended = false
      stream.onAbort(() => {
        ended = true
        wake()
      })
      const unsubscribe = await live.subscribe(site.id, key, {
        send: (event, resumeFrom) => void stream.writeSSE({ event: event.name, id: String(resumeFrom), data: event.data }).catch(() => undefined),
        end: () => {
          ended = true
          wake()
        },
      }, since)
      try {
        await stream.writeSSE({ event: 'ready', data: '' })
        while (!ended && !stream.aborted) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KEEPALIVE_MS)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          if (!ended) await stream.write(': keepalive\n\n')
        }
      } finally {
        unsubscribe()
        release()
      }
    }, async (error) => {
      release()
      // The database was away while the stream started: it ends, and the browser reconnects by itself.
      log.warn('live stream ended early', { error: error.message })
    })
  })
}
