import { describe, expect, it } from 'vitest'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, readThread } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const DAY_MS = 24 * 60 * 60 * 1000

forEachBackend((database) => {
  const postWithKey = (t: TestApp, key: string, body = guestComment('Only once, please')) =>
    t.post(`/api/v1/sites/${t.site.id}/comments`, body, { headers: { 'idempotency-key': key } })

  describe('posting with an Idempotency-Key', () => {
    it('answers a repeat with the first comment, its edit token and mail key, and stores one comment', async () => {
      const t = await startApp(database())
      const body = guestComment('Sent twice by a retrying widget', { author: { name: 'Aki', email: 'aki@mail.example' }, notify: 'replies' })
      const first = await postWithKey(t, '"5b0e6f7c-1c2d-4e6f-8a9b-0c1d2e3f4a5b"', body)
      expect(first.status).toBe(201)
      expect(first.headers.get('idempotent-replayed')).toBeNull()
      const firstJson = await first.json()
      // Bare or quoted (a Structured Field string), the key is the same key.
      const again = await postWithKey(t, '5b0e6f7c-1c2d-4e6f-8a9b-0c1d2e3f4a5b', body)
      expect(again.status).toBe(201)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      const againJson = await again.json()
      expect(againJson.comment.id).toBe(firstJson.comment.id)
      expect(againJson.editToken).toBe(firstJson.editToken)
      expect(againJson.notify).toEqual(firstJson.notify)
      expect(await t.count('comments')).toBe(1)
      expect((await readThread(t)).thread.total).toBe(1)
      // The edit token that came back works.
      const edit = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${againJson.comment.id}`, { body: 'Edited' }, {
        headers: { 'x-edit-token': againJson.editToken },
      })
      expect(edit.status).toBe(200)
    })

    it('keeps neither the key nor the edit token in the database', async () => {
      const t = await startApp(database())
      const key = 'a-key-that-must-not-be-stored-0001'
      const { editToken } = await (await postWithKey(t, key)).json()
      const rows = await t.db.selectFrom('idempotency_keys').selectAll().where('site_id', '=', t.site.id).execute()
      expect(rows).toHaveLength(1)
      const stored = Buffer.from(JSON.stringify(rows.map((r) => Object.values(r).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)))))
      expect(stored.includes(key)).toBe(false)
      expect(stored.includes(editToken)).toBe(false)
    })

    it('makes one comment of two identical posts sent at once', async () => {
      const t = await startApp(database())
      const [a, b] = await Promise.all([postWithKey(t, 'same-time-key-0001'), postWithKey(t, 'same-time-key-0001')])
      expect([a.status, b.status]).toEqual([201, 201])
      expect((await a.json()).comment.id).toBe((await b.json()).comment.id)
      expect(await t.count('comments')).toBe(1)
      expect((await readThread(t)).thread.total).toBe(1)
    })

    it('refuses the same key with another comment (422) and writes nothing', async () => {
      const t = await startApp(database())
      await postWithKey(t, 'reused-key-0001', guestComment('The first'))
      const res = await postWithKey(t, 'reused-key-0001', guestComment('Another comment'))
      expect(res.status).toBe(422)
      expect((await res.json()).error.code).toBe('idempotency_key_reused')
      expect(await t.count('comments')).toBe(1)
    })

    it.each([
      { case: 'too short', key: 'short' },
      { case: 'with a space', key: 'has a space in it' },
      { case: 'not ASCII', key: 'clé-secrète-0001' },
      { case: 'longer than 255', key: 'k'.repeat(256) },
    ])('refuses a key $case (400) and writes nothing', async ({ key }) => {
      const t = await startApp(database())
      const res = await postWithKey(t, key)
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('invalid_request')
      expect(await t.count('comments')).toBe(0)
    })

    it('replays without counting against the rate limit or the edit window', async () => {
      const t = await startApp(database(), { site: { authorPostsPerHour: 1, editWindowSeconds: 60 } })
      const first = await (await postWithKey(t, 'limited-key-0001')).json()
      t.clock.advance(10 * 60 * 1000)
      const again = await postWithKey(t, 'limited-key-0001')
      expect(again.status).toBe(201)
      expect((await again.json()).comment.id).toBe(first.comment.id)
      const other = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('A second comment'))
      expect(other.status).toBe(429)
    })

    it('forgets a key after a day: the post is a new comment, and maintenance clears the old row', async () => {
      const t = await startApp(database())
      const first = await (await postWithKey(t, 'a-day-old-key-0001')).json()
      t.clock.advance(DAY_MS + 1000)
      const later = await postWithKey(t, 'a-day-old-key-0001')
      expect(later.status).toBe(201)
      expect(later.headers.get('idempotent-replayed')).toBeNull()
      expect((await later.json()).comment.id).not.toBe(first.comment.id)
      expect(await t.count('comments')).toBe(2)
      t.clock.advance(DAY_MS + 1000)
      const swept = await runMaintenance(t.db, t.clock.now(), 'http://engawa.test')
      expect(swept.idempotencyKeys).toBeGreaterThanOrEqual(1)
      expect(await t.db.selectFrom('idempotency_keys').select('comment_id').where('site_id', '=', t.site.id).execute()).toEqual([])
    })

    it('posts as before without a key: two posts, two comments', async () => {
      const t = await startApp(database())
      for (let i = 0; i < 2; i++) expect((await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('No key'))).status).toBe(201)
      expect(await t.count('comments')).toBe(2)
    })
  })
})
