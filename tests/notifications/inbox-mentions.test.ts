import { describe, expect, it } from 'vitest'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { bearer, ENGAWA_ORIGIN, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const inbox = async (t: TestApp, token: string) => {
  const res = await t.get(`/api/v1/sites/${t.site.id}/inbox`, { headers: bearer(token) })
  expect(res.status).toBe(200)
  return res.json()
}
const stored = (t: TestApp, id: string) => t.db.selectFrom('comments').select(['mentions', 'body_html']).where('site_id', '=', t.site.id).where('id', '=', id).executeTakeFirstOrThrow()

forEachBackend((database) => {
  describe('mentions', () => {
    it('mean only accounts that commented in the thread, by the names shown there; link where a profile is shown; never in code', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren Tanaka')
      const aki = await readerOf(t, 'Aki')
      const outsider = await readerOf(t, 'Outsider')
      await postSignedIn(t, hana.token, 'First.')
      await postSignedIn(t, ren.token, 'Second.')
      await postGuest(t, 'A guest', { author: { name: 'Guesty' } })
      expect((await t.request('PUT', '/api/v1/me/profile', { public: true }, { headers: bearer(ren.token) })).status).toBe(200)
      const { id } = await postSignedIn(t, aki.token, 'Thanks @Hana and @Ren Tanaka, and @Guesty, `@Hana` in code, @Outsider and @Nobody.')
      const row = await stored(t, id)
      expect([...row.mentions].sort()).toEqual([hana.user.id, ren.user.id].sort())
      expect(row.body_html).toBe(
        `<p>Thanks @Hana and <a href="${ENGAWA_ORIGIN}/s/${t.site.id}/u/${ren.user.id}" rel="nofollow ugc noopener noreferrer">@Ren Tanaka</a>, and @Guesty, <code>@Hana</code> in code, @Outsider and @Nobody.</p>`,
      )
      expect((await inbox(t, hana.token)).items).toEqual([
        { kind: 'mention', commentId: id, author: 'Aki', html: row.body_html, link: expect.stringContaining(`#engawa-comment-${id}`), title: expect.any(String), createdAt: expect.any(String), read: false },
      ])
      expect((await inbox(t, ren.token)).unread).toBe(1)
      expect((await inbox(t, outsider.token)).unread).toBe(0)
      expect((await inbox(t, aki.token)).unread).toBe(0)
      // An edit keeps the link (and tells nobody again).
      const edited = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${id}`, { body: 'Edited: @Ren Tanaka' }, { headers: bearer(aki.token) })
      expect(edited.status).toBe(200)
      expect((await stored(t, id)).body_html).toContain(`>@Ren Tanaka</a>`)
      expect((await inbox(t, ren.token)).unread).toBe(1)
    })

    it('tell nobody while the comment waits for a moderator or is hidden, and tell when it is published', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const mod = await staffOf(t, 'Mod')
      const hana = await readerOf(t, 'Hana')
      const aki = await readerOf(t, 'Aki')
      const first = await postSignedIn(t, hana.token, 'First.')
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${first.id}`, { action: 'approve' }, mod.cookie)
      const held = await postSignedIn(t, aki.token, 'Hello @Hana')
      expect(held.status).toBe('pending')
      expect((await inbox(t, hana.token)).unread).toBe(0)
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${held.id}`, { action: 'approve' }, mod.cookie)).status).toBe(200)
      expect((await inbox(t, hana.token)).unread).toBe(1)
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${held.id}`, { action: 'hide' }, mod.cookie)
      expect(await inbox(t, hana.token)).toEqual({ unread: 0, items: [] })
      // The audit trail says whom the comment mentions, beside what was done to it.
      const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(audit.entries.find((e: { action: string }) => e.action === 'hide')).toMatchObject({ targetId: held.id, target: { mentions: ['Hana'] } })
    })
  })

  describe('the inbox', () => {
    it('holds replies to a reader (not their own), is marked read one by one or all at once, and forgets after 90 days', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren')
      const mine = await postSignedIn(t, hana.token, 'What do you think?')
      await postSignedIn(t, hana.token, 'Adding to myself.', { parentId: mine.id })
      const a = await postSignedIn(t, ren.token, 'I agree.', { parentId: mine.id })
      t.clock.advance(60_000)
      const b = await postGuest(t, 'A guest agrees too.', { parentId: mine.id })
      const box = await inbox(t, hana.token)
      expect(box.unread).toBe(2)
      expect(box.items.map((i: { commentId: string; kind: string }) => [i.commentId, i.kind])).toEqual([[b.id, 'reply'], [a.id, 'reply']])
      const one = await t.post(`/api/v1/sites/${t.site.id}/inbox/read`, { commentIds: [a.id] }, { headers: bearer(hana.token) })
      expect(await one.json()).toEqual({ unread: 1 })
      expect((await t.post(`/api/v1/sites/${t.site.id}/inbox/read`, {}, { headers: bearer(hana.token) })).status).toBe(200)
      expect((await inbox(t, hana.token)).items.map((i: { read: boolean }) => i.read)).toEqual([true, true])
      expect((await t.post(`/api/v1/sites/${t.site.id}/inbox/read`, { commentIds: ['nope'] }, { headers: bearer(hana.token) })).status).toBe(400)
      expect((await t.get(`/api/v1/sites/${t.site.id}/inbox`)).status).toBe(401)
      t.clock.advance(91 * 86_400_000)
      const cleared = await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)
      expect(cleared.inboxItems).toBeGreaterThanOrEqual(2)
      expect(await t.db.selectFrom('inbox_items').select('comment_id').where('site_id', '=', t.site.id).where('user_id', '=', hana.user.id).execute()).toEqual([])
    })

    it('queues mail for a mentioned reader whose account asks for it', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const aki = await readerOf(t, 'Aki')
      await t.db.updateTable('users').set({ notify_replies: true }).where('id', '=', hana.user.id).execute()
      await postSignedIn(t, hana.token, 'First.')
      const { id } = await postSignedIn(t, aki.token, 'Over to you, @Hana.')
      const events = await t.db
        .selectFrom('notify_events as e')
        .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 'e.site_id').onRef('r.id', '=', 'e.recipient_id'))
        .select(['r.user_id', 'e.comment_id'])
        .where('e.site_id', '=', t.site.id)
        .execute()
      expect(events).toEqual([{ user_id: hana.user.id, comment_id: id }])
    })
  })
})
