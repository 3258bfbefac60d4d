import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import { threadKeyOf } from '../comments/read-route.ts'
import { SiteParam } from '../comments/schemas.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError, rejectInvalid } from '../http/errors.ts'
import { errorResponses } from '../http/openapi.ts'
import { keyText, text } from '../http/text.ts'
import type { LiveFeed } from './feed.ts'

const KEEPALIVE_MS = 25_000

const liveRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/thread/live',
  summary: 'New comments on a thread as they are published (Server-Sent Events)',
  description:
    'Each `comment` event carries one new published comment (as in a thread page). Where the server cannot hold ' +
    'streams (Workers) it answers 501, and the widget polls the page with `If-None-Match` instead.',
  request: { params: SiteParam, query: z.object({ key: keyText(500).optional(), url: text().max(2000).optional() }) },
  responses: {
    200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(400, 404, 422, 501),
  },
})

export function liveRoutes(live: LiveFeed | undefined) {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid }).openapi(liveRoute, (c) => {
    const site = c.var.site
    const key = threadKeyOf(site, c.req.valid('query'))
    if (!live) throw new AppError('live_unavailable', 'Live updates are not available here; poll the thread instead.')
    c.header('Cache-Control', 'no-store')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let wake: () => void = () => undefined
      let ended = false
      const unsubscribe = live.subscribe(site.id, key, {
        send: (comment) => void stream.writeSSE({ event: 'comment', id: comment.id, data: JSON.stringify(comment) }).catch(() => undefined),
        end: () => {
          ended = true
          wake()
        },
      })
      stream.onAbort(() => {
        ended = true
        wake()
      })
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
      }
    })
  })
}
