import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const ban = (t: TestApp, cookie: string, body: Record<string, unknown>) =>
  fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, body, cookie)

forEachBackend((database) => {
  describe('a ban', () => {
    it('stops a banned reader’s every write on the site: posting, editing, voting, reporting; deleting stays theirs', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const reader = await readerOf(t, 'Rei')
      const other = await postGuest(t, 'Someone else’s comment')
      const own = (await (await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: guestComment('').thread, body: 'Mine' }, { headers: bearer(reader.token) })).json()).comment
      expect((await ban(t, mod.cookie, { commentId: own.id, action: 'ban', days: 7 })).status).toBe(200)
      const before = await t.db.selectFrom('comments').select(['id', 'score', 'body_source']).where('site_id', '=', t.site.id).orderBy('id').execute()
      const attempts = {
        post: await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: guestComment('').thread, body: 'Again' }, { headers: bearer(reader.token) }),
        edit: await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${own.id}`, { body: 'Changed' }, { headers: bearer(reader.token) }),
        vote: await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${other.id}/vote`, { value: -1 }, { headers: bearer(reader.token) }),
        report: await t.post(`/api/v1/sites/${t.site.id}/comments/${other.id}/reports`, { reason: 'abuse' }, { headers: bearer(reader.token) }),
      }
      for (const [what, res] of Object.entries(attempts)) {
        expect([what, res.status]).toEqual([what, 403])
        expect([what, (await res.json()).error.code]).toEqual([what, 'banned'])
      }
      expect(await t.db.selectFrom('comments').select(['id', 'score', 'body_source']).where('site_id', '=', t.site.id).orderBy('id').execute()).toEqual(before)
      expect(await t.count('votes')).toBe(0)
      expect(await t.db.selectFrom('reports').select('reporter').where('site_id', '=', t.site.id).execute()).toEqual([])
      const deleted = await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${own.id}`, undefined, { headers: bearer(reader.token) })
      expect(deleted.status).toBe(200)
    })

    it('stops a banned guest from editing with their edit token and from reporting', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const mine = await postGuest(t, 'A guest’s comment')
      const other = await postGuest(t, 'Another', { author: { name: 'Ben' } })
      expect((await ban(t, mod.cookie, { commentId: mine.id, action: 'ban' })).status).toBe(200)
      const edit = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${mine.id}`, { body: 'Changed' }, { headers: { 'x-edit-token': mine.editToken } })
      expect(edit.status).toBe(403)
      expect((await edit.json()).error.code).toBe('banned')
      const report = await t.post(`/api/v1/sites/${t.site.id}/comments/${other.id}/reports`, { reason: 'spam' })
      expect((await report.json()).error.code).toBe('banned')
    })
  })

  describe('a comment a moderator hid', () => {
    it('cannot be edited by its author (the decision was about its text), only deleted', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const mine = await postGuest(t, 'Something rude')
      const hide = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${mine.id}`, { action: 'hide', reason: 'Rude' }, mod.cookie)
      expect(hide.status).toBe(200)
      const edit = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${mine.id}`, { body: 'Something nice now' }, { headers: { 'x-edit-token': mine.editToken } })
      expect(edit.status).toBe(403)
      expect((await edit.json()).error.code).toBe('comment_hidden')
      const row = await t.db.selectFrom('comments').select(['body_source', 'status']).where('site_id', '=', t.site.id).where('id', '=', mine.id).executeTakeFirstOrThrow()
      expect(row).toEqual({ body_source: 'Something rude', status: 'hidden' })
      expect((await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${mine.id}`, undefined, { headers: { 'x-edit-token': mine.editToken } })).status).toBe(200)
    })
  })
})
