import { createRoute, z } from '@hono/zod-openapi'
import { threadKeyOf } from '../threads/thread-key.ts'
import { SiteParam, errorResponses } from '../http/openapi.ts'
import { AppError } from '../http/errors.ts'
import { keyText, text } from '../http/text.ts'
import type { Deps } from '../deps.ts'
import { addressBucket, clientIp } from '../http/client-ip.ts'
import { createStreamQuota } from './stream-quota.ts'
import type { Context } from 'hono'
import { requireSignedIn } from '../access/require-session.ts'
import { createRouter } from '../http/router.ts'
import { inboxKey } from '../threads/thread-changes.ts'
import { holdStream } from './hold-stream.ts'

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

const inboxLiveRoute = createRoute({
  method: 'get',
  path: '/sites/{site}/inbox/live',
  summary: "Word of news in the signed-in reader's inbox (Server-Sent Events)",
  description:
    'Signed-in readers (the bearer token, so read it with fetch rather than EventSource): an `inbox` event, with no ' +
    'content, each time a reply to them or a mention of them is published on this site; read the inbox then. Nothing ' +
    'is replayed: read the inbox when the stream opens. Where the server cannot hold streams it answers 501.',
  request: { params: SiteParam },
  responses: {
    200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 404, 429, 501),
  },
})

export function liveRoutes({ live, relay, log, config }: Pick<Deps, 'live' | 'relay' | 'log' | 'config'>) {
  const quota = createStreamQuota(config.liveStreamLimits)
  // A reader's inbox stream and the thread's count alike against their network's streams.
  const takeStream = (c: Context) => {
    const release = quota.take(addressBucket(clientIp(c, config.trustedProxies)))
    if (!release)
      throw new AppError('rate_limited', 'Too many live streams are open from your network; this page will check for new comments now and then instead.', { retryAfter: 60 })
    return release
  }
  return createRouter().openapi(liveRoute, (c) => {
    const site = c.var.site
    const query = c.req.valid('query')
    const key = threadKeyOf(site, query)
    // On Workers the thread's Durable Object holds the stream: it answers this same request.
    if (!live && relay) return relay.connect(site.id, key, c.req.raw)
    if (!live) throw new AppError('live_unavailable', 'Live updates are not available here; poll the thread instead.')
    const release = takeStream(c)
    const resumed = c.req.valid('header')['last-event-id']
    const since = resumed !== undefined ? Number(resumed) : query.since
    return holdStream(c, (reader) => live.subscribe(site.id, key, reader, since), release, log)
  }).openapi(inboxLiveRoute, (c) => {
    const site = c.var.site
    const key = inboxKey(requireSignedIn(c.var.signedIn).user.id)
    // On Workers the reader's own Durable Object holds their stream, as a thread's does.
    if (!live && relay) return relay.connect(site.id, key, c.req.raw, 'reader')
    if (!live) throw new AppError('live_unavailable', 'Live updates are not available here; read the inbox now and then instead.')
    const release = takeStream(c)
    return holdStream(c, async (reader) => live.watch(site.id, key, reader), release, log)
  })
}
