import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, readerOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread, postAs } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'




forEachBackend((database) => {
  describe('a signed-in reader', () => {
    it('comments under their account name, and may not name another author', async () => {
      const t = await startApp(database(), { site: { guestsAllowed: false } })
      const { token, user } = await readerOf(t, 'Hana Sato')
      const res = await postAs(t, token, 'Signed in and *commenting*.')
      expect(res.status).toBe(201)
      const body = await res.json()
      expect(body.comment.author).toEqual({ name: 'Hana Sato', kind: 'reader', hue: expect.any(Number) })
      expect(body.editToken).toBeUndefined()
      const stored = await t.db.selectFrom('comments').select('author_user_id').where('id', '=', body.comment.id).executeTakeFirstOrThrow()
      expect(stored.author_user_id).toBe(user.id)
      const spoof = await postAs(t, token, 'As someone else', { author: { name: 'The Editor' } })
      expect(spoof.status).toBe(400)
      expect(await t.count('comments')).toBe(1)
      const guest = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('guest'))
      expect(guest.status).toBe(403)
    })

    it('edits their own comment within the edit window and deletes it at any time; nobody else can', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ken = await readerOf(t, 'Ken')
      const id = (await (await postAs(t, hana.token, 'first draft')).json()).comment.id
      const path = `/api/v1/sites/${t.site.id}/comments/${id}`
      expect((await t.request('PATCH', path, { body: 'by Ken' }, { headers: bearer(ken.token) })).status).toBe(403)
      expect((await t.request('DELETE', path, undefined, { headers: bearer(ken.token) })).status).toBe(403)
      expect((await t.request('PATCH', path, { body: 'anonymous' })).status).toBe(403)
      const edited = await t.request('PATCH', path, { body: 'second draft' }, { headers: bearer(hana.token) })
      expect(edited.status).toBe(200)
      expect((await edited.json()).comment.html).toContain('second draft')
      t.clock.advance((t.site.edit_window_seconds + 1) * 1000)
      const late = await t.request('PATCH', path, { body: 'third draft' }, { headers: bearer(hana.token) })
      expect((await late.json()).error.code).toBe('edit_window_closed')
      expect((await t.request('DELETE', path, undefined, { headers: bearer(hana.token) })).status).toBe(200)
      expect((await readThread(t)).thread.total).toBe(0)
    })

    it("lets a site's moderator delete any comment there, and gives no power on another site", async () => {
      const a = await startApp(database())
      const b = await startApp(database())
      const mod = await readerOf(a, 'Mod')
      const guest = await postGuest(a, 'off-topic')
      const onA = `/api/v1/sites/${a.site.id}/comments/${guest.id}`
      await setSiteRole(a.db, b.site.id, mod.email, 'moderator')
      expect((await a.request('DELETE', onA, undefined, { headers: bearer(mod.token) })).status).toBe(403)
      await setSiteRole(a.db, a.site.id, mod.email, 'moderator')
      expect((await a.request('PATCH', onA, { body: 'rewritten' }, { headers: bearer(mod.token) })).status).toBe(403)
      expect((await a.request('DELETE', onA, undefined, { headers: bearer(mod.token) })).status).toBe(200)
    })
  })

  describe('votes', () => {
    it('count once per reader, change, and come back off, in the comment’s score', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ken = await readerOf(t, 'Ken')
      const { id } = await postGuest(t, 'vote on me')
      const vote = (token: string, value: number) =>
        t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${id}/vote`, { value }, { headers: bearer(token) })
      expect(await (await vote(hana.token, 1)).json()).toEqual({ score: 1, upvotes: 1, downvotes: 0, value: 1 })
      expect(await (await vote(hana.token, 1)).json()).toMatchObject({ score: 1, upvotes: 1 })
      expect(await (await vote(ken.token, 1)).json()).toMatchObject({ score: 2, upvotes: 2 })
      expect(await (await vote(hana.token, -1)).json()).toEqual({ score: 0, upvotes: 1, downvotes: 1, value: -1 })
      expect(await (await vote(ken.token, 0)).json()).toEqual({ score: -1, upvotes: 0, downvotes: 1, value: 0 })
      const page = await readThread(t)
      expect(page.comments[0].score).toBe(-1)
      const votes = await t.db.selectFrom('votes').selectAll().where('comment_id', '=', id).execute()
      expect(votes.map((v) => v.value)).toEqual([-1])
    })

    it('are refused to guests, to a bad value and to a missing comment, writing nothing', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const { id } = await postGuest(t, 'vote on me')
      const path = `/api/v1/sites/${t.site.id}/comments/${id}/vote`
      expect((await t.request('PUT', path, { value: 1 })).status).toBe(401)
      for (const value of [2, '1', null, 0.5]) expect((await t.request('PUT', path, { value }, { headers: bearer(hana.token) })).status).toBe(400)
      const missing = `/api/v1/sites/${t.site.id}/comments/${crypto.randomUUID()}/vote`
      expect((await t.request('PUT', missing, { value: 1 }, { headers: bearer(hana.token) })).status).toBe(404)
      expect(await t.count('votes')).toBe(0)
    })

    it('are refused on the voter\'s own comment, leaving its score alone', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const id = (await (await postAs(t, hana.token, 'mine')).json()).comment.id
      const res = await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${id}/vote`, { value: 1 }, { headers: bearer(hana.token) })
      expect(res.status).toBe(403)
      expect((await res.json()).error.code).toBe('own_comment')
      expect(await t.count('votes')).toBe(0)
      expect((await readThread(t)).comments[0].score).toBe(0)
    })

    it("are laid over the public page for their reader, leaving the public page the same for everyone", async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const { id } = await postGuest(t, 'vote on me')
      await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${id}/vote`, { value: -1 }, { headers: bearer(hana.token) })
      const publicPath = `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
      const anonymous = await (await t.get(publicPath)).text()
      const signedIn = await (await t.get(publicPath, { headers: bearer(hana.token) })).text()
      expect(signedIn).toBe(anonymous)
      const overlay = await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: bearer(hana.token) })
      expect(overlay.headers.get('cache-control')).toBe('private, no-store')
      expect(await overlay.json()).toEqual({ comments: [], votes: { [id]: -1 }, reactions: {}, own: {}, timeLeft: {} })
    })

    it('show a signed-in reader their own pending comments in the overlay', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const id = (await (await postAs(t, hana.token, 'soon hidden')).json()).comment.id
      await t.db.updateTable('comments').set({ status: 'hidden' }).where('id', '=', id).execute()
      const overlay = await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: bearer(hana.token) })
      const body = await overlay.json()
      expect(body.comments.map((c: { id: string }) => c.id)).toEqual([id])
    })
  })
})
