import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('guest policy', () => {
    it('publishes guest comments where guests are allowed', async () => {
      const t = await startApp(database(), { site: { guestsAllowed: true } })
      const posted = await postGuest(t, 'hello')
      expect(posted.status).toBe('published')
      expect((await readThread(t)).thread.total).toBe(1)
    })

    it('holds guest comments as pending on a pre-moderated site, out of the public page and counts', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const posted = await postGuest(t, 'waiting')
      expect(posted.status).toBe('pending')
      expect(posted.editToken).toEqual(expect.any(String))
      const page = await readThread(t)
      expect(page.thread.total).toBe(0)
      expect(page.comments).toEqual([])
      const counts = await (await t.get(`/api/v1/sites/${t.site.id}/counts?url=${encodeURIComponent(page.thread.url)}`)).json()
      expect(counts.counts[0].count).toBe(0)
    })

    it("shows a pending comment to its author's browser, by edit token, and to nobody else", async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const mine = await postGuest(t, 'mine, waiting')
      const theirs = await postGuest(t, 'theirs, waiting')
      const path = `/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`
      const read = async (tokens?: string) =>
        t.get(path, { headers: tokens === undefined ? {} : { 'x-edit-token': tokens } })
      const res = await read(mine.editToken)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('private, no-store')
      const body = await res.json()
      expect(body.comments.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[mine.id, 'pending']])
      expect(body.comments[0].html).toBe('<p>mine, waiting</p>')
      expect((await (await read()).json()).comments).toEqual([])
      expect((await (await read('A'.repeat(43))).json()).comments).toEqual([])
      const both = await (await read(`${mine.editToken}, ${theirs.editToken}`)).json()
      expect(both.comments).toHaveLength(2)
      const tooMany = await read(Array(101).fill('x').join(','))
      expect(tooMany.status).toBe(400)
    })

    it('refuses a reply to a pending comment as if it did not exist', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const pending = await postGuest(t, 'waiting')
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('reply', { parentId: pending.id }))
      expect(res.status).toBe(404)
      expect((await res.json()).error.code).toBe('parent_not_found')
    })

    it('refuses guests where they are not allowed, and writes nothing', async () => {
      const t = await startApp(database(), { site: { guestsAllowed: false } })
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hello'))
      expect(res.status).toBe(403)
      expect((await res.json()).error.code).toBe('guests_not_allowed')
      expect(await t.count('threads')).toBe(0)
      expect(await t.count('comments')).toBe(0)
    })
  })

  describe('a locked thread', () => {
    it('refuses new comments and replies, and writes nothing', async () => {
      const t = await startApp(database())
      const first = await postGuest(t, 'before the lock')
      await t.db.updateTable('threads').set({ locked_at: t.clock.now() }).where('site_id', '=', t.site.id).execute()
      for (const extra of [{}, { parentId: first.id }]) {
        const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('after', extra))
        expect(res.status).toBe(403)
        expect((await res.json()).error.code).toBe('thread_locked')
      }
      expect(await t.count('comments')).toBe(1)
      const page = await readThread(t)
      expect(page.thread).toMatchObject({ total: 1, locked: true })
      const thread = await t.db.selectFrom('threads').select(['last_seq', 'version']).where('site_id', '=', t.site.id).executeTakeFirstOrThrow()
      expect(thread).toEqual({ last_seq: 1, version: 1 })
    })
  })

  describe('editing and deleting with the edit token', () => {
    const edit = (t: Awaited<ReturnType<typeof startApp>>, id: string, token: string | undefined, body = 'edited **text**') =>
      t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${id}`, { body }, { headers: token ? { 'x-edit-token': token } : {} })
    const remove = (t: Awaited<ReturnType<typeof startApp>>, id: string, token: string | undefined) =>
      t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${id}`, undefined, { headers: token ? { 'x-edit-token': token } : {} })

    it('edits within the window and marks the comment edited', async () => {
      const t = await startApp(database())
      const posted = await postGuest(t, 'first words')
      t.clock.advance(14 * 60 * 1000)
      const res = await edit(t, posted.id, posted.editToken)
      expect(res.status).toBe(200)
      const json = await res.json()
      expect(json.comment).toMatchObject({ html: '<p>edited <strong>text</strong></p>', editedAt: t.clock.now().toISOString() })
      expect((await readThread(t)).comments[0].html).toBe('<p>edited <strong>text</strong></p>')
    })

    it.each([
      { case: 'without a token', token: () => undefined, status: 403, code: 'invalid_edit_token' },
      { case: 'with a wrong token', token: () => 'A'.repeat(43), status: 403, code: 'invalid_edit_token' },
      { case: "with another comment's token", token: (other: string) => other, status: 403, code: 'invalid_edit_token' },
    ])('refuses to edit or delete $case', async ({ token, status, code }) => {
      const t = await startApp(database())
      const posted = await postGuest(t, 'mine')
      const other = await postGuest(t, 'theirs')
      for (const res of [await edit(t, posted.id, token(other.editToken)), await remove(t, posted.id, token(other.editToken))]) {
        expect(res.status).toBe(status)
        expect((await res.json()).error.code).toBe(code)
      }
      expect((await readThread(t)).comments[0]).toMatchObject({ html: '<p>mine</p>', status: 'published' })
    })

    it('refuses to edit or delete after the edit window', async () => {
      const t = await startApp(database(), { site: { editWindowSeconds: 60 } })
      const posted = await postGuest(t, 'mine')
      t.clock.advance(61 * 1000)
      for (const res of [await edit(t, posted.id, posted.editToken), await remove(t, posted.id, posted.editToken)]) {
        expect(res.status).toBe(403)
        expect((await res.json()).error.code).toBe('edit_window_closed')
      }
      expect((await readThread(t)).comments[0].html).toBe('<p>mine</p>')
    })

    it('answers 404 for an unknown or already deleted comment', async () => {
      const t = await startApp(database())
      const posted = await postGuest(t, 'mine')
      expect((await remove(t, posted.id, posted.editToken)).status).toBe(200)
      const again = await remove(t, posted.id, posted.editToken)
      expect(again.status).toBe(404)
      expect((await again.json()).error.code).toBe('comment_not_found')
      const unknown = await edit(t, '00000000-0000-4000-8000-000000000000', posted.editToken)
      expect(unknown.status).toBe(404)
    })

    it('does not let a token of one site touch a comment through another site', async () => {
      const a = await startApp(database())
      const b = await startApp(database())
      const posted = await postGuest(a, 'on site a')
      const res = await b.request('DELETE', `/api/v1/sites/${b.site.id}/comments/${posted.id}`, undefined, {
        headers: { 'x-edit-token': posted.editToken },
      })
      expect(res.status).toBe(404)
      expect(await a.count('comments')).toBe(1)
    })

    it('refuses an edit that is too long and keeps the old text', async () => {
      const t = await startApp(database(), { site: { maxCommentLength: 5 } })
      const posted = await postGuest(t, 'short')
      const res = await edit(t, posted.id, posted.editToken, 'much too long')
      expect(res.status).toBe(422)
      expect((await res.json()).error.code).toBe('comment_too_long')
      expect((await readThread(t)).comments[0].html).toBe('<p>short</p>')
    })
  })
})
