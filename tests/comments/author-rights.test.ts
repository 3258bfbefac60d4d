import { describe, expect, it } from 'vitest'
import { bearer, readerOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postAs } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

// What the widget needs to show an author only the controls that will work, and for how long.
forEachBackend((database) => {
  describe("an author's time to edit and delete", () => {
    it('counts down from the site’s edit window for a guest, in the post’s answer and the overlay, to 0 when both close', async () => {
      const t = await startApp(database(), { site: { editWindowSeconds: 10 } })
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('mine'))
      const posted = await res.json()
      expect(posted.timeLeft).toEqual({ edit: 10, delete: 10 })
      const overlay = async () => {
        const mine = await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: { 'x-edit-token': posted.editToken } })
        return (await mine.json()).timeLeft[posted.comment.id]
      }
      t.clock.advance(3_500)
      expect(await overlay()).toEqual({ edit: 7, delete: 7 })
      t.clock.advance(6_499)
      expect(await overlay()).toEqual({ edit: 1, delete: 1 })
      t.clock.advance(2)
      expect(await overlay()).toEqual({ edit: 0, delete: 0 })
      // The server holds to what it said: the edit is refused once the count is 0.
      const late = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${posted.comment.id}`, { body: 'too late' }, { headers: { 'x-edit-token': posted.editToken } })
      expect((await late.json()).error.code).toBe('edit_window_closed')
    })

    it('leaves an account its own comment to delete at any time (null), while editing closes', async () => {
      const t = await startApp(database(), { site: { editWindowSeconds: 60 } })
      const hana = await readerOf(t, 'Hana')
      const posted = await (await postAs(t, hana.token, 'mine')).json()
      expect(posted.timeLeft).toEqual({ edit: 60, delete: null })
      t.clock.advance(61_000)
      const mine = await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: bearer(hana.token) })
      expect((await mine.json()).timeLeft).toEqual({ [posted.comment.id]: { edit: 0, delete: null } })
    })

    it('offers no edit of a comment a moderator hid, though its window is open (the server would refuse it)', async () => {
      const t = await startApp(database(), { site: { editWindowSeconds: 600 } })
      const posted = await (await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('mine'))).json()
      await t.db.updateTable('comments').set({ status: 'hidden' }).where('id', '=', posted.comment.id).execute()
      const mine = await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: { 'x-edit-token': posted.editToken } })
      expect((await mine.json()).timeLeft[posted.comment.id]).toEqual({ edit: 0, delete: 600 })
      const edit = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${posted.comment.id}`, { body: 'changed' }, { headers: { 'x-edit-token': posted.editToken } })
      expect((await edit.json()).error.code).toBe('comment_hidden')
    })
  })

  describe("a site's rules for its readers", () => {
    it('are public and cacheable, and name an unknown site', async () => {
      const t = await startApp(database(), { site: { maxCommentLength: 500, editWindowSeconds: 30, guestsAllowed: false } })
      const res = await t.get(`/api/v1/sites/${t.site.id}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('public, max-age=60')
      expect(res.headers.get('access-control-allow-origin')).toBe(t.site.origin)
      expect(await res.json()).toEqual({ id: t.site.id, name: 'Test blog', guestsAllowed: false, maxCommentLength: 500, editWindowSeconds: 30, reactions: 'accounts' })
      const unknown = await t.get('/api/v1/sites/nope')
      expect(unknown.status).toBe(404)
      expect((await unknown.json()).error.code).toBe('site_not_found')
    })
  })
})
