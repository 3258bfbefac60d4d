import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

const guestFrom = (t: TestApp, ip: string, body: string, extra: Record<string, unknown> = {}) =>
  t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body, extra), { ip })

const actOnAuthor = (t: TestApp, cookie: string, body: Record<string, unknown>) =>
  fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, body, cookie)

forEachBackend((database) => {
  describe('authors', () => {
    it('bans a guest by the salted hash of their /64 for some days; the raw address is never stored', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const posted = await (await guestFrom(t, '2001:db8:aa:bb:1::1', 'Trolling')).json()
      const ban = await actOnAuthor(t, mod.cookie, { commentId: posted.comment.id, action: 'ban', days: 7, reason: 'Trolling' })
      expect(ban.status).toBe(200)
      const standing = await ban.json()
      expect(standing.author).toMatch(/^guest:[0-9a-f]{64}$/)
      expect(standing.ban).toMatchObject({ reason: 'Trolling', until: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString() })
      const refused = await guestFrom(t, '2001:db8:aa:bb:ffff::9', 'Another address, same /64')
      expect(refused.status).toBe(403)
      expect((await refused.json()).error.code).toBe('banned')
      expect((await guestFrom(t, '2001:db8:aa:bc::1', 'Another network')).status).toBe(201)
      const bans = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/bans`, undefined, mod.cookie)).json()
      expect(bans.bans).toEqual([expect.objectContaining({ author: standing.author, name: 'Aki', reason: 'Trolling', bannedBy: 'Mod' })])
      const stored = JSON.stringify(await t.db.selectFrom('bans').selectAll().execute()) + JSON.stringify(await t.db.selectFrom('comments').selectAll().execute())
      expect(stored).not.toContain('2001:db8')
      t.clock.advance(7 * 86_400_000 + 1000)
      expect((await guestFrom(t, '2001:db8:aa:bb::2', 'Back after a week')).status).toBe(201)
      const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(audit.entries[0]).toMatchObject({ action: 'ban', actor: 'Mod', targetKind: 'author', targetId: standing.author, reason: 'for 7 days: Trolling' })
    })

    it('bans an account for good until a moderator lifts it; a moderator cannot ban themselves', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const reader = await readerOf(t, 'Reader')
      const post = () => t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, body: 'hi' }, { headers: bearer(reader.token) })
      const id = (await (await post()).json()).comment.id
      expect((await actOnAuthor(t, mod.cookie, { commentId: id, action: 'ban' })).status).toBe(200)
      t.clock.advance(20 * 86_400_000)
      expect((await post()).status).toBe(403)
      const history = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/authors/user:${reader.user.id}`, undefined, mod.cookie)).json()
      expect(history.standing.ban).toMatchObject({ until: null })
      expect(history.comments.map((c: { comment: { id: string } }) => c.comment.id)).toEqual([id])
      expect((await actOnAuthor(t, mod.cookie, { author: `user:${reader.user.id}`, action: 'unban' })).status).toBe(200)
      expect((await actOnAuthor(t, mod.cookie, { author: `user:${reader.user.id}`, action: 'unban' })).status).toBe(409)
      expect((await post()).status).toBe(201)
      expect((await actOnAuthor(t, mod.cookie, { author: `user:${mod.user.id}`, action: 'ban' })).status).toBe(409)
      expect((await actOnAuthor(t, mod.cookie, { action: 'ban' })).status).toBe(400)
    })

    it('shadow-bans: the author still sees their comments as published, nobody else does, and counts agree', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const troll = await readerOf(t, 'Troll')
      const post = async (body: string) =>
        (await (await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, body }, { headers: bearer(troll.token) })).json()).comment
      const before = await post('Visible at first')
      await (await guestFrom(t, '192.0.2.1', 'Someone else')).json()
      expect((await readThread(t)).thread.total).toBe(2)
      expect((await actOnAuthor(t, mod.cookie, { commentId: before.id, action: 'shadow-ban', reason: 'Baiting' })).status).toBe(200)
      const after = await post('Posted while shadow-banned')
      expect(after.status).toBe('published')
      const page = await readThread(t)
      expect(page.thread.total).toBe(1)
      expect(page.comments.map((c: { author: { name: string } }) => c.author.name)).toEqual(['Aki'])
      const counts = await (await t.get(`/api/v1/sites/${t.site.id}/counts?url=${encodeURIComponent(ARTICLE_URL)}`)).json()
      expect(counts.counts[0].count).toBe(1)
      const mine = await (await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: bearer(troll.token) })).json()
      expect(mine.comments.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[before.id, 'published'], [after.id, 'published']])
      expect((await actOnAuthor(t, mod.cookie, { commentId: before.id, action: 'unshadow-ban' })).status).toBe(200)
      expect((await readThread(t)).thread.total).toBe(3)
    })

    it('lifting a shadow ban sends to the queue what the site would have held, and publishes the rest', async () => {
      const t = await startApp(database(), { site: { blockedWords: ['casino'] } })
      const mod = await staffOf(t, 'Mod')
      const troll = await readerOf(t, 'Troll')
      const post = async (body: string) =>
        (await (await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, body }, { headers: bearer(troll.token) })).json()).comment
      const first = await post('Harmless')
      await actOnAuthor(t, mod.cookie, { commentId: first.id, action: 'shadow-ban' })
      const listed = await post('Visit my casino')
      expect(listed.status).toBe('published') // as the author sees it
      await actOnAuthor(t, mod.cookie, { commentId: first.id, action: 'unshadow-ban' })
      const statuses = await t.db.selectFrom('comments').select(['id', 'status']).where('site_id', '=', t.site.id).orderBy('seq').execute()
      expect(statuses).toEqual([{ id: first.id, status: 'published' }, { id: listed.id, status: 'pending' }])
      expect((await readThread(t)).thread.total).toBe(1)
    })

    it('pins one top-level comment to the top of the first page, once, and unpins it', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const ids: string[] = []
      for (let i = 0; i < 5; i++) ids.push((await (await guestFrom(t, '192.0.2.3', `comment ${i}`)).json()).comment.id)
      const reply = (await (await guestFrom(t, '192.0.2.3', 'a reply', { parentId: ids[3] })).json()).comment.id
      const act = (id: string, action: string) => fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action }, mod.cookie)
      expect((await act(reply, 'pin')).status).toBe(409)
      expect((await act(ids[3]!, 'pin')).status).toBe(200)
      const first = await readThread(t, { limit: 2 })
      expect(first.thread.pinnedId).toBe(ids[3])
      expect(first.comments.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[0], ids[1]])
      expect(first.comments[0].replies.map((c: { id: string }) => c.id)).toEqual([reply])
      const second = await readThread(t, { limit: 2, cursor: first.nextCursor })
      expect(second.comments.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[4]])
      expect(second.nextCursor).toBeNull()
      expect((await act(ids[3]!, 'unpin')).status).toBe(200)
      expect((await act(ids[3]!, 'unpin')).status).toBe(409)
      const back = await readThread(t, { limit: 5 })
      expect(back.thread.pinnedId).toBeNull()
      expect(back.comments.map((c: { id: string }) => c.id)).toEqual(ids)
    })

    it('searches a site by text, author name and page, in every status', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const mod = await staffOf(t, 'Mod')
      await guestFrom(t, '192.0.2.4', 'About 100% of copyright_law', { author: { name: 'Ren' } })
      await guestFrom(t, '192.0.2.5', 'Something else')
      const search = async (q: string) =>
        (await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/search?${q}`, undefined, mod.cookie)).json()).items.map(
          (i: { markdown: string }) => i.markdown,
        )
      expect(await search('text=100%25')).toEqual(['About 100% of copyright_law'])
      expect(await search('text=t_l')).toEqual(['About 100% of copyright_law'])
      expect(await search('author=re')).toEqual(['About 100% of copyright_law'])
      expect(await search('page=japan-ai&status=pending')).toHaveLength(2)
      expect(await search('status=published')).toEqual([])
      // Something shaped almost like an author key is a name to look for, not a broken query.
      expect(await search('author=user:not-a-uuid')).toEqual([])
    })
  })
})
