import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, fromEngawa, signUpAndVerify, widgetToken } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, readThread } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const report = (t: TestApp, id: string, body: Record<string, unknown>, options: { ip?: string; headers?: Record<string, string> } = {}) =>
  t.request('POST', `/api/v1/sites/${t.site.id}/comments/${id}/reports`, body, options)

forEachBackend((database) => {
  describe('reports', () => {
    it('lets a moderator keep a reported comment: the reports are dismissed, the comment stays as it was', async () => {
      const t = await startApp(database())
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const c = await postGuest(t, 'Sharp but fair')
      const act = () => fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${c.id}`, { action: 'dismiss', reason: 'Within the rules' }, mod.cookie)
      expect((await act()).status).toBe(409)
      expect((await report(t, c.id, { reason: 'abuse' }, { ip: '203.0.113.7' })).status).toBe(201)
      const queue = async () => (await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, mod.cookie)).json()).items
      expect(await queue()).toHaveLength(1)
      const kept = await act()
      expect(kept.status).toBe(200)
      expect((await kept.json()).comment).toMatchObject({ id: c.id, status: 'published' })
      expect(await queue()).toEqual([])
      expect((await readThread(t)).thread.total).toBe(1)
      const audit = await t.db.selectFrom('moderation_actions').select(['action', 'reason']).where('site_id', '=', t.site.id).execute()
      expect(audit).toEqual([{ action: 'dismiss', reason: 'Within the rules' }])
    })

    it('count once per reader, guests told apart by a salted hash of their network, never their address', async () => {
      const t = await startApp(database())
      const c = await postGuest(t, 'Questionable')
      expect((await report(t, c.id, { reason: 'spam' }, { ip: '203.0.113.5' })).status).toBe(201)
      const again = await report(t, c.id, { reason: 'abuse' }, { ip: '203.0.113.5' })
      expect(again.status).toBe(409)
      // The same /64 is the same guest.
      expect((await report(t, c.id, { reason: 'spam' }, { ip: '2001:db8:1:2::a' })).status).toBe(201)
      expect((await report(t, c.id, { reason: 'spam' }, { ip: '2001:db8:1:2::b' })).status).toBe(409)
      const rows = await t.db.selectFrom('reports').select('reporter').where('comment_id', '=', c.id).execute()
      expect(rows).toHaveLength(2)
      for (const r of rows) expect(r.reporter).toMatch(/^guest:[0-9a-f]{64}$/)
      expect(JSON.stringify(rows)).not.toContain('203.0.113.5')
      for (const body of [{ reason: 'boring' }, { reason: 'spam', status: 'hidden' }, {}])
        expect((await report(t, c.id, body, { ip: '198.51.100.9' })).status).toBe(400)
      expect((await report(t, crypto.randomUUID(), { reason: 'spam' })).status).toBe(404)
    })

    it("hide a comment after the site's threshold of distinct readers, until a moderator reviews it", async () => {
      const t = await startApp(database())
      await t.db.updateTable('sites').set({ report_threshold: 3 }).where('id', '=', t.site.id).execute()
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const reader = await signUpAndVerify(t, undefined, 'Reader')
      const c = await postGuest(t, 'Reported thrice')
      await postGuest(t, 'Innocent')
      expect(await (await report(t, c.id, { reason: 'abuse', text: 'Insulting' }, { ip: '192.0.2.1' })).json()).toEqual({ hidden: false })
      expect(await (await report(t, c.id, { reason: 'spam' }, { ip: '192.0.2.2' })).json()).toEqual({ hidden: false })
      const third = await report(t, c.id, { reason: 'abuse' }, { ip: '192.0.2.3', headers: bearer(await widgetToken(t, reader.cookie)) })
      expect(await third.json()).toEqual({ hidden: true })
      const page = await readThread(t)
      expect(page.thread.total).toBe(1)
      expect(page.comments.find((x: { id: string }) => x.id === c.id)).toMatchObject({ status: 'hidden', html: '', author: null })

      const queue = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, mod.cookie)).json()
      expect(queue.items).toHaveLength(1)
      expect(queue.items[0]).toMatchObject({ reports: 3, comment: { id: c.id, status: 'hidden' } })
      expect([...queue.items[0].reasons].sort()).toEqual(['abuse', 'spam'])
      const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(audit.entries[0]).toMatchObject({ action: 'auto-hide', actor: null, targetId: c.id })

      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${c.id}`, { action: 'unhide', reason: 'Fair criticism' }, mod.cookie)
      expect((await readThread(t)).thread.total).toBe(2)
      const after = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, mod.cookie)).json()
      expect(after.items).toEqual([])
    })
  })
})
