import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, ENGAWA_ORIGIN, fromEngawa, widgetToken, readerOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

const act = (t: TestApp, cookie: string, id: string, body: Record<string, unknown>) =>
  fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, body, cookie)

async function auditCount(t: TestApp) {
  const row = await t.db.selectFrom('moderation_actions').select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', t.site.id).executeTakeFirstOrThrow()
  return Number(row.n)
}

forEachBackend((database) => {
  describe('moderation', () => {
    it('lets exactly the site’s moderators, owners and instance admins act, and a refusal writes nothing', async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      const author = await readerOf(t, 'Author')
      const reader = await readerOf(t, 'Reader')
      const foreignMod = await readerOf(t, 'Foreign mod')
      const mod = await readerOf(t, 'Mod')
      const owner = await readerOf(t, 'Owner')
      const admin = await readerOf(t, 'Admin')
      await setSiteRole(t.db, other.site.id, foreignMod.email, 'moderator')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      await t.db.updateTable('users').set({ is_instance_admin: true }).where('id', '=', admin.user.id).execute()
      const posted = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, body: 'Mine' }, { headers: bearer(author.token) })
      const id = (await posted.json()).comment.id
      const path = `/api/v1/moderation/sites/${t.site.id}/comments/${id}`
      const actors: Array<[string, Record<string, string>, boolean]> = [
        ['anonymous', {}, false],
        ['a reader', { cookie: reader.cookie }, false],
        ["the comment's author", { cookie: author.cookie }, false],
        ['a moderator of another site', { cookie: foreignMod.cookie }, false],
        ['a moderator (dashboard)', { cookie: mod.cookie }, true],
        ['a moderator (widget token)', bearer(mod.token), true],
        ['an owner', { cookie: owner.cookie }, true],
        ['an instance admin', { cookie: admin.cookie }, true],
      ]
      for (const [who, headers, allowed] of actors) {
        const before = await auditCount(t)
        const hide = await t.request('POST', path, { action: 'hide', reason: `by ${who}` }, { origin: headers.authorization ? t.site.origin : ENGAWA_ORIGIN, headers })
        expect(hide.status, who).toBe(allowed ? 200 : headers.cookie || headers.authorization ? 403 : 401)
        const status = (await t.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
        expect(status, who).toBe(allowed ? 'hidden' : 'published')
        expect(await auditCount(t), who).toBe(before + (allowed ? 1 : 0))
        if (allowed) await act(t, mod.cookie, id, { action: 'unhide' })
      }
      const fromOtherSite = await other.request('POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action: 'hide' }, { headers: bearer(await widgetToken(other, mod.cookie)) })
      expect(fromOtherSite.status).toBe(403)
      // An instance admin's widget token for another site is readable by that site's scripts: it moderates nothing here.
      const adminToken = await widgetToken(other, admin.cookie)
      const before = await auditCount(t)
      for (const origin of [other.site.origin, undefined]) {
        const res = await other.request('POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action: 'delete' }, { headers: bearer(adminToken), ...(origin ? { origin } : { origin: false }) })
        expect(res.status).toBe(403)
      }
      const queue = await other.request('GET', '/api/v1/moderation/queue', undefined, { headers: bearer(adminToken) })
      expect(((await queue.json()).items as Array<{ site: { id: string } }>).some((i) => i.site.id === t.site.id)).toBe(false)
      expect(await auditCount(t)).toBe(before)
      // On its own site it still moderates.
      const own = await other.post(`/api/v1/sites/${other.site.id}/comments`, { thread: { url: `${other.site.origin}/p` }, author: { name: 'G' }, body: 'x' })
      const ownId = (await own.json()).comment.id
      expect((await other.request('POST', `/api/v1/moderation/sites/${other.site.id}/comments/${ownId}`, { action: 'hide' }, { headers: bearer(adminToken) })).status).toBe(200)
    })

    it('hides with a reason readers may see, keeps replies in place, shows the author their text, and unhides', async () => {
      const t = await startApp(database())
      const mod = await readerOf(t, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const parent = await postGuest(t, 'Off topic')
      await postGuest(t, 'A reply that stays', { parentId: parent.id })
      const lonely = await postGuest(t, 'Rude')
      expect((await readThread(t)).thread.total).toBe(3)
      expect((await act(t, mod.cookie, parent.id, { action: 'hide', reason: 'Off topic', showReason: true })).status).toBe(200)
      expect((await act(t, mod.cookie, lonely.id, { action: 'hide', reason: 'private note' })).status).toBe(200)
      const page = await readThread(t)
      expect(page.thread.total).toBe(1)
      expect(page.comments).toHaveLength(2)
      expect(page.comments[0]).toMatchObject({ id: parent.id, status: 'hidden', author: null, html: '', reason: 'Off topic' })
      expect(page.comments[0].replies[0].html).toContain('A reply that stays')
      // Without replies, a hidden comment still shows that moderators acted, but says nothing more.
      expect(page.comments[1]).toMatchObject({ id: lonely.id, status: 'hidden', author: null, html: '' })
      expect(page.comments[1].reason).toBeUndefined()
      expect(JSON.stringify(page)).not.toContain('private note')
      expect(JSON.stringify(page)).not.toContain('Rude')
      const overlay = await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: { 'x-edit-token': lonely.editToken } })
      expect((await overlay.json()).comments[0]).toMatchObject({ id: lonely.id, status: 'hidden', author: { name: 'Aki' } })
      await act(t, mod.cookie, parent.id, { action: 'unhide' })
      await act(t, mod.cookie, lonely.id, { action: 'unhide' })
      const back = await readThread(t)
      expect(back.thread.total).toBe(3)
      expect(back.comments[0]).toMatchObject({ status: 'published', author: { name: 'Aki' } })
      expect(back.comments[0].reason).toBeUndefined()
    })

    it('approves and rejects pending comments from the queue, and refuses a move that makes no sense', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const owner = await readerOf(t, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const good = await postGuest(t, 'Worth reading')
      t.clock.advance(1000)
      const bad = await postGuest(t, 'Buy now')
      const queue = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, owner.cookie)).json()
      expect(queue.items.map((i: { comment: { id: string } }) => i.comment.id)).toEqual([bad.id, good.id])
      expect(queue.items[0]).toMatchObject({ markdown: 'Buy now', page: { url: ARTICLE_URL } })
      expect((await act(t, owner.cookie, good.id, { action: 'approve' })).status).toBe(200)
      expect((await act(t, owner.cookie, bad.id, { action: 'spam', reason: 'link farm' })).status).toBe(200)
      const again = await act(t, owner.cookie, good.id, { action: 'approve' })
      expect(again.status).toBe(409)
      const page = await readThread(t)
      expect(page.thread.total).toBe(1)
      expect(page.comments.map((c: { id: string }) => c.id)).toEqual([good.id])
      const left = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, owner.cookie)).json()
      expect(left.items).toEqual([])
    })

    it('locks a thread against new comments and opens it again, and keeps an audit log of every action', async () => {
      const t = await startApp(database())
      const mod = await readerOf(t, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const c = await postGuest(t, 'Before the lock')
      const lock = (locked: boolean) =>
        fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/threads/lock`, { url: ARTICLE_URL, locked, reason: 'Heated' }, mod.cookie)
      expect((await lock(true)).status).toBe(200)
      t.clock.advance(1000)
      expect((await readThread(t)).thread.locked).toBe(true)
      const refused = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, author: { name: 'Late' }, body: 'Too late' })
      expect((await refused.json()).error.code).toBe('thread_locked')
      expect((await lock(false)).status).toBe(200)
      t.clock.advance(1000)
      await postGuest(t, 'After the lock')
      await act(t, mod.cookie, c.id, { action: 'delete', reason: 'Duplicate' })
      const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(audit.entries.map((e: { action: string }) => e.action)).toEqual(['delete', 'unlock', 'lock'])
      expect(audit.entries[0]).toMatchObject({ actor: 'Mod', targetKind: 'comment', targetId: c.id, reason: 'Duplicate' })
    })

    it('keeps every version of an edited comment for moderators; readers see only that it was edited', async () => {
      const t = await startApp(database())
      const mod = await readerOf(t, 'Mod')
      const reader = await readerOf(t, 'Reader')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const c = await postGuest(t, 'First words')
      const edit = (body: string) =>
        t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${c.id}`, { body }, { headers: { 'x-edit-token': c.editToken } })
      t.clock.advance(60_000)
      expect((await edit('Second words')).status).toBe(200)
      t.clock.advance(60_000)
      expect((await edit('Final words')).status).toBe(200)
      const path = `/api/v1/moderation/sites/${t.site.id}/comments/${c.id}/versions`
      const history = await (await fromEngawa(t, 'GET', path, undefined, mod.cookie)).json()
      expect(history.versions.map((v: { markdown: string }) => v.markdown)).toEqual(['First words', 'Second words', 'Final words'])
      expect(history.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3])
      expect((await fromEngawa(t, 'GET', path, undefined, reader.cookie)).status).toBe(403)
      const page = await readThread(t)
      expect(page.comments[0].editedAt).not.toBeNull()
      expect(JSON.stringify(page)).not.toContain('First words')
      // Deleted by its author, it takes its history along.
      await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${c.id}`, undefined, { headers: { 'x-edit-token': c.editToken } })
      expect(await t.db.selectFrom('comment_versions').select('version').where('comment_id', '=', c.id).execute()).toEqual([])
    })

    it('keeps tombstones right: a hidden last reply keeps its deleted parent in place, a spammed one takes it away', async () => {
      const t = await startApp(database())
      const mod = await readerOf(t, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const parent = await postGuest(t, 'Will be deleted')
      const reply = await postGuest(t, 'The only reply', { parentId: parent.id })
      await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${parent.id}`, undefined, { headers: { 'x-edit-token': parent.editToken } })
      expect((await readThread(t)).comments).toHaveLength(1)
      await act(t, mod.cookie, reply.id, { action: 'hide' })
      const page = await readThread(t)
      expect(page.comments[0]).toMatchObject({ id: parent.id, status: 'deleted', replyCount: 1 })
      expect(page.comments[0].replies[0]).toMatchObject({ id: reply.id, status: 'hidden', html: '' })
      await act(t, mod.cookie, reply.id, { action: 'spam' })
      expect((await readThread(t)).comments).toEqual([])
    })
  })
})
