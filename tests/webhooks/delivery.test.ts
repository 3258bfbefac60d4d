import { Webhook } from 'standardwebhooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createLog } from '../../src/log.ts'
import { createFetchSender } from '../../src/webhooks/fetch-sender.ts'
import { createHttpSender } from '../../src/webhooks/http-sender.ts'
import { createWebhookWorker, RETRY_DELAYS_MS } from '../../src/webhooks/webhook-worker.ts'
import { fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { createFakeClock } from '../helpers/fake-clock.ts'
import { ARTICLE_URL, startApp, type StartOptions, type TestApp } from '../helpers/harness.ts'
import { startWebhookReceiver, status } from '../helpers/webhook-receiver.ts'

// Deliveries to a real HTTP receiver on loopback: signed per Standard Webhooks, one per event,
// retried with backoff on the fake clock, given up after the last attempt, logged, and never
// sent to an internal address unless the operator allows it.

const ALL_EVENTS = ['comment.created', 'comment.edited', 'comment.moderated', 'report.created']

forEachBackend((database) => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    // One database per file, and a worker serves every site: no test leaves another its deliveries.
    await database().db.deleteFrom('webhook_deliveries').execute()
  })
  const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
    const r = await startWebhookReceiver(...args)
    closers.push(r.close)
    return r
  }

  /** An app whose owner registered `url`; the clock starts now, so signatures verify. */
  async function withEndpoint(url: string, events = ALL_EVENTS, options: StartOptions = {}) {
    const t = await startApp(database(), { clock: createFakeClock(new Date()), config: { webhooksAllowPrivate: true }, ...options })
    const owner = await signUpAndVerify(t, undefined, 'Owner')
    await setSiteRole(t.db, t.site.id, owner.email, 'owner')
    const res = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/webhooks`, { url, events }, owner.cookie)
    expect(res.status).toBe(201)
    const { webhook, secret } = (await res.json()) as { webhook: { id: string }; secret: string }
    return { t, cookie: owner.cookie, webhookId: webhook.id, secret }
  }
  let makeSender: typeof createHttpSender = createHttpSender
  const worker = (t: TestApp, allowPrivate = true, timeoutMs = 5000) =>
    createWebhookWorker({ db: t.db, clock: t.clock, log: createLog('silent'), sender: makeSender({ allowPrivate, timeoutMs }), random: () => 0.5 })
  const attempts = async (t: TestApp, cookie: string, webhookId: string) => {
    const res = await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/webhooks/${webhookId}/attempts`, undefined, cookie)
    expect(res.status).toBe(200)
    return (await res.json()).attempts as Array<Record<string, any>>
  }
  const pending = (t: TestApp) => t.db.selectFrom('webhook_deliveries').selectAll().where('site_id', '=', t.site.id).execute()
  const postComment = async (t: TestApp, body = 'Hello *there*', author: Record<string, unknown> = { name: 'Aki', email: 'aki@mail.example' }) => {
    const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL, title: 'On copyright' }, author, body })
    expect(res.status).toBe(201)
    return (await res.json()) as { comment: { id: string }; editToken: string }
  }

  // Node's sender (node:http, addresses checked as it connects) and Workers' (fetch).
  for (const [senderName, sender] of [['node:http', createHttpSender], ['fetch, as on Workers', createFetchSender]] as const)
  describe(`webhook deliveries (${senderName})`, () => {
    beforeEach(() => {
      makeSender = sender
    })

    it('sends each event once, signed so that standardwebhooks verifies it, with the documented payload', async () => {
      const r = await receiver()
      const { t, cookie, secret } = await withEndpoint(r.url())
      const { comment, editToken } = await postComment(t)
      const edited = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${comment.id}`, { body: 'Hello *again*' }, { headers: { 'x-edit-token': editToken } })
      expect(edited.status).toBe(200)
      const reported = await t.post(`/api/v1/sites/${t.site.id}/comments/${comment.id}/reports`, { reason: 'spam', text: 'Looks like an ad' })
      expect(reported.status).toBe(201)
      const hidden = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${comment.id}`, { action: 'hide', reason: 'Off topic' }, cookie)
      expect(hidden.status).toBe(200)
      expect((await pending(t)).map((d) => d.event_type).sort()).toEqual([...ALL_EVENTS].sort())

      expect(await worker(t).runOnce()).toEqual({ delivered: 4, retrying: 0, failed: 0 })
      expect(await pending(t)).toEqual([])
      const wh = new Webhook(secret)
      for (const hook of r.received) {
        expect(hook.headers['content-type']).toBe('application/json')
        expect(hook.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
        expect(() => wh.verify(hook.body, hook.headers as Record<string, string>)).not.toThrow()
      }
      // A tampered body or another secret fails verification.
      const first = r.received[0]
      if (!first) throw new Error('nothing received')
      expect(() => wh.verify(first.body.replace('Hello', 'Hullo'), first.headers as Record<string, string>)).toThrow()

      const events = r.events()
      expect(events.map((e) => e.type)).toEqual(['comment.created', 'comment.edited', 'report.created', 'comment.moderated'])
      const thread = { key: ARTICLE_URL, url: ARTICLE_URL, title: 'On copyright' }
      const [created, editedEvent, report, moderated] = events
      expect(created?.data).toMatchObject({ siteId: t.site.id, thread, comment: { id: comment.id, parentId: null, depth: 0, author: { name: 'Aki' }, html: '<p>Hello <em>there</em></p>', status: 'published' } })
      expect(editedEvent?.data.comment).toMatchObject({ id: comment.id, html: '<p>Hello <em>again</em></p>' })
      expect(editedEvent?.data.comment.editedAt).toEqual(expect.any(String))
      expect(report?.data).toMatchObject({ comment: { id: comment.id }, report: { reason: 'spam', text: 'Looks like an ad' } })
      expect(moderated?.data).toMatchObject({ previousStatus: 'published', comment: { id: comment.id, status: 'hidden' } })
      for (const e of events) expect(e.timestamp).toEqual(expect.any(String))
      // Never the email, the edit token, the network fingerprint or the Markdown source.
      const all = r.received.map((h) => h.body).join('\n')
      for (const secretThing of ['aki@mail.example', editToken, 'Hello *again*', 'fingerprint', 'guest:']) expect(all).not.toContain(secretThing)
      // One webhook-id per event.
      expect(new Set(r.received.map((h) => h.headers['webhook-id'])).size).toBe(4)
    })

    it('fires comment.created for a comment held for approval, with its status, and comment.moderated when approved', async () => {
      const r = await receiver()
      const { t, cookie } = await withEndpoint(r.url(), ['comment.created', 'comment.moderated'], { site: { premoderation: 'all' } })
      const { comment } = await postComment(t)
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${comment.id}`, { action: 'approve' }, cookie)
      await worker(t).runOnce()
      expect(r.events().map((e) => [e.type, e.data.comment.status, e.data.previousStatus])).toEqual([
        ['comment.created', 'pending', undefined],
        ['comment.moderated', 'published', 'pending'],
      ])
    })

    it('sends only the events an endpoint chose, nothing to a disabled one, and a test event on request', async () => {
      const r = await receiver()
      const { t, cookie, webhookId } = await withEndpoint(r.url(), ['report.created'])
      await postComment(t)
      expect(await pending(t)).toEqual([])
      const { comment } = await postComment(t)
      await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/webhooks/${webhookId}`, { enabled: false }, cookie)
      await t.post(`/api/v1/sites/${t.site.id}/comments/${comment.id}/reports`, { reason: 'abuse' })
      expect(await pending(t)).toEqual([])
      const test = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/webhooks/${webhookId}/test`, {}, cookie)
      expect(test.status).toBe(202)
      const { deliveryId } = await test.json()
      expect(await worker(t).runOnce()).toEqual({ delivered: 1, retrying: 0, failed: 0 })
      expect(r.events()).toMatchObject([{ type: 'webhook.test', data: { siteId: t.site.id, webhookId } }])
      expect(r.received[0]?.headers['webhook-id']).toBe(deliveryId)
      const log = await attempts(t, cookie, webhookId)
      expect(log).toMatchObject([{ deliveryId, eventType: 'webhook.test', attempt: 1, statusCode: 200, error: null, responseExcerpt: 'ok', outcome: 'delivered' }])
    })

    it('queues nothing for a write that was refused', async () => {
      const r = await receiver()
      const { t } = await withEndpoint(r.url())
      const orphan = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, author: { name: 'Aki' }, body: 'Hi', parentId: crypto.randomUUID() })
      expect(orphan.status).toBe(404)
      const { comment } = await postComment(t)
      const late = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${comment.id}`, { body: 'Edited' }, { headers: { 'x-edit-token': 'wrong' } })
      expect(late.status).toBe(403)
      expect((await pending(t)).map((d) => d.event_type)).toEqual(['comment.created'])
    })

    it('retries after a 500 with backoff on the same webhook-id, then logs the success', async () => {
      const r = await receiver(status(500, 'Internal oops\n  at handler'))
      const { t, cookie, webhookId, secret } = await withEndpoint(r.url())
      await postComment(t)
      const w = worker(t)
      expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 })
      const [queued] = await pending(t)
      expect(queued?.next_attempt_at.getTime()).toBe(t.clock.now().getTime() + RETRY_DELAYS_MS[0]!)
      // Not due yet: nothing is sent.
      t.clock.advance(4000)
      expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 0, failed: 0 })
      r.answerWith(status(204))
      t.clock.advance(1000)
      expect(await w.runOnce()).toEqual({ delivered: 1, retrying: 0, failed: 0 })
      expect(r.received).toHaveLength(2)
      expect(r.received[0]?.headers['webhook-id']).toBe(r.received[1]?.headers['webhook-id'])
      // Each attempt is signed afresh for its own timestamp.
      const second = r.received[1]
      if (!second) throw new Error('no second attempt')
      const ts = Number(second.headers['webhook-timestamp'])
      expect(ts * 1000).toBe(Math.floor(t.clock.now().getTime() / 1000) * 1000)
      expect(second.headers['webhook-signature']).toBe(new Webhook(secret).sign(String(second.headers['webhook-id']), new Date(ts * 1000), second.body))
      const log = await attempts(t, cookie, webhookId)
      expect(log).toMatchObject([
        { attempt: 2, statusCode: 204, error: null, outcome: 'delivered', nextAttemptAt: null },
        { attempt: 1, statusCode: 500, error: 'The endpoint answered 500.', responseExcerpt: 'Internal oops at handler', outcome: 'retrying' },
      ])
      for (const a of log) expect(a.durationMs).toEqual(expect.any(Number))
      expect(await pending(t)).toEqual([])
    })

    it('gives up after the last attempt, about a day later, and logs every attempt', async () => {
      const r = await receiver(status(503, 'down for maintenance'))
      const { t, cookie, webhookId } = await withEndpoint(r.url(), ['comment.created'])
      await postComment(t)
      const w = worker(t)
      const started = t.clock.now().getTime()
      for (const delay of RETRY_DELAYS_MS) {
        expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 })
        t.clock.advance(delay)
      }
      expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 0, failed: 1 })
      expect(t.clock.now().getTime() - started).toBeGreaterThan(22 * 3600_000)
      expect(t.clock.now().getTime() - started).toBeLessThan(26 * 3600_000)
      expect(await pending(t)).toEqual([])
      t.clock.advance(48 * 3600_000)
      expect(await w.runOnce()).toEqual({ delivered: 0, retrying: 0, failed: 0 })
      expect(r.received).toHaveLength(RETRY_DELAYS_MS.length + 1)
      const log = await attempts(t, cookie, webhookId)
      expect(log.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual(
        [1, 2, 3, 4, 5, 6, 7].reverse().map((n) => [n, 503, n === 7 ? 'failed' : 'retrying']),
      )
      expect(log[0]).toMatchObject({ responseExcerpt: 'down for maintenance', nextAttemptAt: null })
    })

    it('refuses, at delivery, an endpoint that points to loopback when the operator does not allow it, by IP and (on Node) by name', async () => {
      const r = await receiver()
      // Registered while allowed; the operator then turns private addresses off.
      const byIp = await withEndpoint(`https://127.0.0.1:${r.port}/hook`, ['comment.created'])
      await postComment(byIp.t)
      // A name is resolved where the connection is made: by Node's lookup, or by Cloudflare's network, which reaches no loopback.
      const byName = sender === createHttpSender ? [await withEndpoint(`https://localhost:${r.port}/hook`, ['comment.created'])] : []
      for (const { t } of byName) await postComment(t)
      for (const { t, cookie, webhookId } of [byIp, ...byName]) {
        expect(await worker(t, false).runOnce()).toMatchObject({ delivered: 0, retrying: 1 })
        const [attempt] = await attempts(t, cookie, webhookId)
        expect(attempt).toMatchObject({ statusCode: null, outcome: 'retrying' })
        expect(attempt?.error).toMatch(/internal address/)
      }
      expect(r.received).toEqual([])
    })

    it('does not follow a redirect to an internal address: the attempt fails and is logged', async () => {
      const internal = await receiver()
      const redirector = await receiver(status(302, '', { location: internal.url('/admin/secrets') }))
      const { t, cookie, webhookId } = await withEndpoint(redirector.url(), ['comment.created'])
      await postComment(t)
      expect(await worker(t).runOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 })
      expect(redirector.received).toHaveLength(1)
      expect(internal.received).toEqual([])
      const [attempt] = await attempts(t, cookie, webhookId)
      expect(attempt).toMatchObject({ statusCode: 302, outcome: 'retrying' })
      expect(attempt?.error).toMatch(/Redirect \(302\).*not followed/)
    })

    it('keeps the last 100 attempts of an endpoint in its log', async () => {
      const r = await receiver()
      const { t, cookie, webhookId } = await withEndpoint(r.url(), ['comment.created'])
      const old = Array.from({ length: 100 }, (_, i) => ({
        site_id: t.site.id, webhook_id: webhookId, delivery_id: crypto.randomUUID(), event_type: 'comment.created', attempt: 1,
        attempted_at: new Date(t.clock.now().getTime() - (i + 1) * 60_000), status_code: 200, error: null, duration_ms: 5, outcome: 'delivered' as const, next_attempt_at: null,
      }))
      await t.db.insertInto('webhook_attempts').values(old).execute()
      await postComment(t)
      await worker(t).runOnce()
      const log = await attempts(t, cookie, webhookId)
      expect(log).toHaveLength(100)
      expect(log[0]?.attemptedAt).toBe(t.clock.now().toISOString())
      // The oldest went.
      expect(log.at(-1)?.attemptedAt).toBe(new Date(t.clock.now().getTime() - 99 * 60_000).toISOString())
      const stored = await t.db.selectFrom('webhook_attempts').select('attempted_at').where('site_id', '=', t.site.id).where('webhook_id', '=', webhookId).execute()
      expect(stored).toHaveLength(100)
    })

    it('two workers on two connections deliver each of 12 events exactly once', async () => {
      const r = await receiver()
      const { t, cookie, webhookId } = await withEndpoint(r.url(), ['comment.created'])
      for (let i = 0; i < 12; i++) await postComment(t, `Comment ${i}`)
      const other = database().connectAgain()
      const make = (db: typeof t.db) =>
        createWebhookWorker({ db, clock: t.clock, log: createLog('silent'), sender: createHttpSender({ allowPrivate: true }), batchSize: 3 })
      const drain = async (w: ReturnType<typeof make>) => {
        let delivered = 0
        for (let round = 0; round < 12; round++) {
          const done = await w.runOnce()
          if (done.delivered + done.retrying + done.failed === 0) break
          delivered += done.delivered
        }
        return delivered
      }
      const [byOne, byTwo] = await Promise.all([drain(make(t.db)), drain(make(other))])
      expect(byOne + byTwo).toBe(12)
      expect(r.received).toHaveLength(12)
      expect(new Set(r.received.map((h) => h.headers['webhook-id'])).size).toBe(12)
      expect(await attempts(t, cookie, webhookId)).toHaveLength(12)
    })

    it('fails an attempt that gets no answer in time', async () => {
      const r = await receiver(() => {}) // never answers
      const { t, cookie, webhookId } = await withEndpoint(r.url(), ['comment.created'])
      await postComment(t)
      expect(await worker(t, true, 300).runOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 })
      const [attempt] = await attempts(t, cookie, webhookId)
      expect(attempt).toMatchObject({ statusCode: null, error: 'No answer within 0 s.', outcome: 'retrying' })
      expect(attempt?.durationMs).toBeGreaterThanOrEqual(250)
    })
  })
})
