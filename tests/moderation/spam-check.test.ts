import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLog } from '../../src/log.ts'
import { akismetSpamCheck } from '../../src/authors/spam-check.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'

/** An Akismet-compatible service on loopback: "viagra" is spam; the key must be right. */
const received: URLSearchParams[] = []
const server = createServer(async (req: IncomingMessage, res) => {
  let body = ''
  for await (const chunk of req) body += chunk
  const form = new URLSearchParams(body)
  received.push(form)
  if (req.url !== '/1.1/comment-check' || form.get('api_key') !== 'test-key') return res.writeHead(400).end('Missing required field: api_key.')
  if (form.get('comment_content')?.includes('slow')) await new Promise((r) => setTimeout(r, 2500))
  res.writeHead(200, { 'content-type': 'text/plain' }).end(form.get('comment_content')?.includes('viagra') ? 'true' : 'false')
})
let endpoint = ''

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

forEachBackend((database) => {
  describe('the pluggable spam check', () => {
    // Generous for answers that come (a loaded machine is slow), short where the test waits for the give-up.
    const check = (apiKey = 'test-key', log = createLog('silent'), timeoutMs = 5000) => akismetSpamCheck({ apiKey, endpoint, timeoutMs, log })

    it('files what the service calls spam as spam, on sites that opted in, and tells it what it needs', async () => {
      const t = await startApp(database(), { site: { spamCheck: true }, spamCheck: check() })
      received.length = 0
      expect((await postGuest(t, 'Cheap viagra here')).status).toBe('spam')
      expect((await postGuest(t, 'A thoughtful reply')).status).toBe('published')
      expect((await readThread(t)).thread.total).toBe(1)
      expect(received[0]?.get('comment_author')).toBe('Aki')
      expect(received[0]?.get('user_ip')).toBe(t.ip)
      expect(received[0]?.get('blog')).toBe(t.site.origin)
      const stored = await t.db.selectFrom('comments').select('moderation_reason').where('status', '=', 'spam').executeTakeFirstOrThrow()
      expect(stored.moderation_reason).toBe('The spam service judged it spam.')
    })

    it('is off by default: a site that did not opt in is never sent to the service', async () => {
      const t = await startApp(database(), { spamCheck: check() })
      received.length = 0
      expect((await postGuest(t, 'Cheap viagra here')).status).toBe('published')
      expect(received).toEqual([])
    })

    it('never stops a comment when the service fails or is slow, and logs why', async () => {
      const lines: string[] = []
      const log = createLog('warn', (l) => lines.push(l))
      const t = await startApp(database(), { site: { spamCheck: true }, spamCheck: check('wrong-key', log) })
      expect((await postGuest(t, 'viagra, but the key is wrong')).status).toBe('published')
      const slow = await startApp(database(), { site: { spamCheck: true }, spamCheck: check('test-key', log, 300) })
      const res = await slow.post(`/api/v1/sites/${slow.site.id}/comments`, guestComment('slow viagra'))
      expect((await res.json()).comment.status).toBe('published')
      expect(lines.map((l) => JSON.parse(l).message)).toEqual(['spam check: unexpected answer', 'spam check failed'])
    })
  })
})
