import { describe, expect, it } from 'vitest'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { bearer, ENGAWA_ORIGIN, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'
import { MINUTE, digestsTo, runDigests } from './notify-helpers.ts'

const inbox = async (t: TestApp, token: string) => {
  const res = await t.get(`/api/v1/sites/${t.site.id}/inbox`, { headers: bearer(token) })
  expect(res.status).toBe(200)
  return res.json()
}
const stored = (t: TestApp, id: string) => t.db.selectFrom('comments').select(['mentions', 'body_html']).where('site_id', '=', t.site.id).where('id', '=', id).executeTakeFirstOrThrow()
const edit = async (t: TestApp, token: string, id: string, body: string) =>
  (await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${id}`, { body }, { headers: bearer(token) })).status
/** A reader whose account asks for mail about replies and mentions. */
const mailedReaderOf = async (t: TestApp, name: string) => {
  const reader = await readerOf(t, name)
  expect((await fromEngawa(t, 'PUT', '/api/v1/me/notifications', { replies: true }, reader.cookie)).status).toBe(200)
  return reader
}
/** The inbox items and pending mail news about a comment, by account. */
const toldOf = async (t: TestApp, commentId: string) => ({
  inbox: (await t.db.selectFrom('inbox_items').select(['user_id', 'kind']).where('site_id', '=', t.site.id).where('comment_id', '=', commentId).orderBy('user_id').execute()),
  mail: (
    await t.db
      .selectFrom('notify_events as e')
      .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 'e.site_id').onRef('r.id', '=', 'e.recipient_id'))
      .select('r.user_id')
      .where('e.site_id', '=', t.site.id)
      .where('e.comment_id', '=', commentId)
      .execute()
  ).map((e) => e.user_id),
})

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
      // An edit keeps the link (and tells nobody again); the stored mentions follow the text.
      expect(await edit(t, aki.token, id, 'Edited: @Ren Tanaka')).toBe(200)
      expect(await stored(t, id)).toMatchObject({ mentions: [ren.user.id], body_html: expect.stringContaining(`>@Ren Tanaka</a>`) })
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

  describe('mentions added by an edit', () => {
    it('tell those newly mentioned, by inbox and mail, as a new comment would; an account is told of a comment once', async () => {
      const t = await startApp(database())
      const hana = await mailedReaderOf(t, 'Hana')
      const ren = await mailedReaderOf(t, 'Ren')
      const aki = await readerOf(t, 'Aki')
      await postSignedIn(t, hana.token, 'First.')
      await postSignedIn(t, ren.token, 'Second.')
      const { id } = await postSignedIn(t, aki.token, 'Hello @Ren')
      expect(await toldOf(t, id)).toEqual({ inbox: [{ user_id: ren.user.id, kind: 'mention' }], mail: [ren.user.id] })
      await runDigests(t)
      expect(await digestsTo(t, ren.email)).toHaveLength(1)

      expect(await edit(t, aki.token, id, 'Hello @Ren and @Hana')).toBe(200)
      expect((await stored(t, id)).mentions.sort()).toEqual([hana.user.id, ren.user.id].sort())
      expect((await inbox(t, hana.token)).items).toEqual([expect.objectContaining({ kind: 'mention', commentId: id, read: false })])
      // Ren, mentioned before, hears nothing new.
      const told = await toldOf(t, id)
      expect(told.mail).toEqual([hana.user.id])
      expect(told.inbox).toHaveLength(2)
      expect(told.inbox).toEqual(expect.arrayContaining([{ user_id: hana.user.id, kind: 'mention' }, { user_id: ren.user.id, kind: 'mention' }]))
      await runDigests(t)
      expect((await digestsTo(t, hana.email)).map((m) => m.subject)).toEqual(['\u2068Aki\u2069 mentioned you on “Japan and AI training data”'])

      // Dropped and written again, the mention tells Hana nothing twice.
      t.clock.advance(10 * MINUTE)
      expect(await edit(t, aki.token, id, 'Hello @Ren')).toBe(200)
      expect((await stored(t, id)).mentions).toEqual([ren.user.id])
      expect(await edit(t, aki.token, id, 'Hello @Ren and @Hana, again')).toBe(200)
      expect((await toldOf(t, id)).mail).toEqual([])
      expect((await inbox(t, hana.token)).items).toHaveLength(1)
      await runDigests(t)
      expect(await digestsTo(t, hana.email)).toHaveLength(1)
      expect(await digestsTo(t, ren.email)).toHaveLength(1)
    })

    it('wait while the edited comment is held, and are told once when a moderator publishes it', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      await t.db.updateTable('sites').set({ blocked_words: ['casino'] }).where('id', '=', t.site.id).execute()
      const mod = await staffOf(t, 'Mod')
      const hana = await mailedReaderOf(t, 'Hana')
      const ren = await mailedReaderOf(t, 'Ren')
      const aki = await readerOf(t, 'Aki')
      const approve = async (id: string) => expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action: 'approve' }, mod.cookie)).status).toBe(200)
      for (const reader of [hana, ren]) await approve((await postSignedIn(t, reader.token, `I am ${reader.user.id}.`)).id)

      // Mentioned while the comment waits: nobody yet, then Ren once on approval.
      const held = await postSignedIn(t, aki.token, 'Hello')
      expect(await edit(t, aki.token, held.id, 'Hello @Ren')).toBe(200)
      expect(await toldOf(t, held.id)).toEqual({ inbox: [], mail: [] })
      await approve(held.id)
      expect(await toldOf(t, held.id)).toEqual({ inbox: [{ user_id: ren.user.id, kind: 'mention' }], mail: [ren.user.id] })
      await runDigests(t)
      expect(await digestsTo(t, ren.email)).toHaveLength(1)

      // Published, then edited into review by the word list with a new mention: Hana waits for the
      // approval, which tells her alone (Ren heard already, by inbox and by mail).
      t.clock.advance(10 * MINUTE)
      expect(await edit(t, aki.token, held.id, 'Hello @Ren and @Hana, casino')).toBe(200)
      expect((await t.db.selectFrom('comments').select('status').where('id', '=', held.id).executeTakeFirstOrThrow()).status).toBe('pending')
      expect((await toldOf(t, held.id)).mail).toEqual([])
      expect((await inbox(t, hana.token)).unread).toBe(0)
      await approve(held.id)
      expect((await toldOf(t, held.id)).mail).toEqual([hana.user.id])
      expect((await inbox(t, hana.token)).unread).toBe(1)
      expect((await inbox(t, ren.token)).unread).toBe(1)
      await runDigests(t)
      expect(await digestsTo(t, ren.email)).toHaveLength(1)
      expect(await digestsTo(t, hana.email)).toHaveLength(1)
    })

    it('are news to the thread\'s followers once: a comment edited into review and approved again mails them no second time', async () => {
      const t = await startApp(database())
      await t.db.updateTable('sites').set({ blocked_words: ['casino'] }).where('id', '=', t.site.id).execute()
      const mod = await staffOf(t, 'Mod')
      const kai = await readerOf(t, 'Kai')
      const aki = await readerOf(t, 'Aki')
      await postSignedIn(t, kai.token, 'First.')
      const follow = `/api/v1/sites/${t.site.id}/thread/subscription?url=${encodeURIComponent(ARTICLE_URL)}`
      expect((await t.request('PUT', follow, {}, { headers: bearer(kai.token) })).status).toBe(200)
      const posted = await postSignedIn(t, aki.token, 'Hello')
      // One as posted today, one as a row from before the moment of first publication was kept.
      const older = await postSignedIn(t, aki.token, 'Hello again')
      await t.db.updateTable('comments').set({ first_published_at: null }).where('id', '=', older.id).execute()
      for (const { id } of [posted, older]) expect((await toldOf(t, id)).mail).toEqual([kai.user.id])
      await runDigests(t)
      expect(await digestsTo(t, kai.email)).toHaveLength(1)

      t.clock.advance(10 * MINUTE)
      for (const { id } of [posted, older]) {
        expect(await edit(t, aki.token, id, 'Hello, casino')).toBe(200)
        expect((await t.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('pending')
        expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action: 'approve' }, mod.cookie)).status).toBe(200)
        expect((await toldOf(t, id)).mail).toEqual([])
      }
      await runDigests(t)
      expect(await digestsTo(t, kai.email)).toHaveLength(1)

      // A comment held from the start is news to them when it is first approved.
      await t.db.updateTable('sites').set({ premoderation: 'all' }).where('id', '=', t.site.id).execute()
      const held = await postSignedIn(t, aki.token, 'Waiting')
      expect((await toldOf(t, held.id)).mail).toEqual([])
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${held.id}`, { action: 'approve' }, mod.cookie)).status).toBe(200)
      expect((await toldOf(t, held.id)).mail).toEqual([kai.user.id])
    })

    it('tell nobody while the edited comment is shadowed, nor once it is back, however often it is edited', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const hana = await mailedReaderOf(t, 'Hana')
      const aki = await readerOf(t, 'Aki')
      await postSignedIn(t, hana.token, 'First.')
      const { id } = await postSignedIn(t, aki.token, 'Hello')
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: id, action: 'shadow-ban' }, mod.cookie)).status).toBe(200)
      expect(await edit(t, aki.token, id, 'Hello @Hana')).toBe(200)
      expect((await stored(t, id)).mentions).toEqual([hana.user.id])
      expect(await toldOf(t, id)).toEqual({ inbox: [], mail: [] })
      expect(await inbox(t, hana.token)).toEqual({ unread: 0, items: [] })
      // Lifting the ban tells nobody (moderation's rule), and an edit tells only whom it adds: Hana was mentioned already.
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: id, action: 'unshadow-ban' }, mod.cookie)).status).toBe(200)
      expect((await t.db.selectFrom('comments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('published')
      expect(await edit(t, aki.token, id, 'Hello @Hana!')).toBe(200)
      expect(await toldOf(t, id)).toEqual({ inbox: [], mail: [] })
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
