import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, PASSWORD, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

const reaction = (t: TestApp, id: string, kind: string) => `/api/v1/sites/${t.site.id}/comments/${id}/reactions/${kind}`
const react = (t: TestApp, id: string, kind: string, headers: Record<string, string> = {}, ip?: string) =>
  t.request('PUT', reaction(t, id, kind), undefined, { headers, ...(ip ? { ip } : {}) })
const unreact = (t: TestApp, id: string, kind: string, headers: Record<string, string> = {}) => t.request('DELETE', reaction(t, id, kind), undefined, { headers })
const counts = async (t: TestApp, id: string) =>
  (await t.db.selectFrom('comments').select('reactions').where('site_id', '=', t.site.id).where('id', '=', id).executeTakeFirstOrThrow()).reactions
const rows = (t: TestApp) => t.db.selectFrom('reactions').select(['reactor', 'kind']).where('site_id', '=', t.site.id).orderBy('created_at').execute()
const overlay = async (t: TestApp, headers: Record<string, string> = {}, ip?: string) =>
  (await (await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers, ...(ip ? { ip } : {}) })).json()).reactions

forEachBackend((database) => {
  describe('reactions', () => {
    it('counts one of each kind per reader in the comment, shows them on the page and in the reader\u2019s overlay, and takes them back', async () => {
      const t = await startApp(database())
      const { id } = await postGuest(t, 'Reciprocity is the point.')
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren')
      const first = await react(t, id, 'heart', bearer(hana.token))
      expect(first.status).toBe(200)
      expect(await first.json()).toEqual({ reactions: { heart: 1 }, mine: ['heart'] })
      expect(await (await react(t, id, 'heart', bearer(hana.token))).json()).toEqual({ reactions: { heart: 1 }, mine: ['heart'] })
      await react(t, id, 'rocket', bearer(hana.token))
      await react(t, id, 'heart', bearer(ren.token))
      expect(await counts(t, id)).toEqual({ heart: 2, rocket: 1 })
      expect((await readThread(t)).comments[0].reactions).toEqual({ heart: 2, rocket: 1 })
      expect(await overlay(t, bearer(hana.token))).toEqual({ [id]: ['heart', 'rocket'] })
      expect(await (await unreact(t, id, 'rocket', bearer(hana.token))).json()).toEqual({ reactions: { heart: 2 }, mine: ['heart'] })
      expect(await (await unreact(t, id, 'rocket', bearer(hana.token))).json()).toEqual({ reactions: { heart: 2 }, mine: ['heart'] })
      expect(await rows(t)).toHaveLength(2)

      // Who reacted: for signed-in readers only.
      const mod = await staffOf(t, 'Mod')
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action: 'pin' }, mod.cookie)
      const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(audit.entries.find((e: { action: string }) => e.action === 'pin').target.reactions).toEqual({ heart: 2 })
      const who = await t.get(`/api/v1/sites/${t.site.id}/comments/${id}/reactions`, { headers: bearer(ren.token) })
      const reactors = (await who.json()).reactions
      expect(reactors).toEqual([{ kind: 'heart', count: 2, names: expect.any(Array), guests: 0 }])
      expect(reactors[0].names.sort()).toEqual(['Hana', 'Ren'])
      expect((await t.get(`/api/v1/sites/${t.site.id}/comments/${id}/reactions`)).status).toBe(401)
    })

    it('keeps the counts equal to the reactions when many readers react at once', async () => {
      const t = await startApp(database())
      const { id } = await postGuest(t, 'Popular')
      const readers = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((name) => readerOf(t, name)))
      await Promise.all(readers.flatMap((r) => [react(t, id, 'clap', bearer(r.token)), react(t, id, 'eyes', bearer(r.token)), unreact(t, id, 'eyes', bearer(r.token))]))
      const held = await rows(t)
      const expected: Record<string, number> = {}
      for (const row of held) expected[row.kind] = (expected[row.kind] ?? 0) + 1
      expect(await counts(t, id)).toEqual(expected)
      expect(expected.clap).toBe(6)
    })

    it('lets guests react only where the site lets everyone, known by their network', async () => {
      const t = await startApp(database())
      const { id } = await postGuest(t, 'Hello')
      const refused = await react(t, id, 'heart')
      expect(refused.status).toBe(401)
      expect((await refused.json()).error.code).toBe('unauthorized')
      await t.db.updateTable('sites').set({ reactions: 'everyone' }).where('id', '=', t.site.id).execute()
      expect(await (await react(t, id, 'heart', {}, '2001:db8:aa:bb::1')).json()).toEqual({ reactions: { heart: 1 }, mine: ['heart'] })
      // Another address of the same network (an IPv6 /64) is the same guest; another network is another.
      expect(await (await react(t, id, 'heart', {}, '2001:db8:aa:bb::2')).json()).toEqual({ reactions: { heart: 1 }, mine: ['heart'] })
      expect(await (await react(t, id, 'heart', {}, '198.51.100.7')).json()).toEqual({ reactions: { heart: 2 }, mine: ['heart'] })
      expect(await overlay(t, {}, '2001:db8:aa:bb::3')).toEqual({ [id]: ['heart'] })
      expect((await rows(t)).map((r) => r.reactor)).toEqual([expect.stringMatching(/^guest:[0-9a-f]{64}$/), expect.stringMatching(/^guest:[0-9a-f]{64}$/)])
      const hana = await readerOf(t, 'Hana')
      const who = await (await t.get(`/api/v1/sites/${t.site.id}/comments/${id}/reactions`, { headers: bearer(hana.token) })).json()
      expect(who.reactions).toEqual([{ kind: 'heart', count: 2, names: [], guests: 2 }])
    })

    it.each([
      { case: 'an unknown kind', setUp: async () => ({}), kind: 'thumbsup', status: 400, code: 'invalid_request' },
      { case: 'a site with reactions off', setUp: async (t: TestApp) => void (await t.db.updateTable('sites').set({ reactions: 'off' }).where('id', '=', t.site.id).execute()), kind: 'heart', status: 403, code: 'reactions_off' },
      { case: 'a hidden comment', setUp: async (t: TestApp, id: string) => void (await t.db.updateTable('comments').set({ status: 'hidden' }).where('id', '=', id).execute()), kind: 'heart', status: 404, code: 'comment_not_found' },
      {
        case: 'a banned reader',
        setUp: async (t: TestApp, _id: string, token: string) => {
          const mod = await staffOf(t, 'Mod')
          const own = await postSignedIn(t, token, 'Trolling')
          expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: own.id, action: 'ban' }, mod.cookie)).status).toBe(200)
        },
        kind: 'heart', status: 403, code: 'banned',
      },
    ])('refuses $case and writes nothing', async ({ setUp, kind, status, code }) => {
      const t = await startApp(database())
      const { id } = await postGuest(t, 'Hello')
      const hana = await readerOf(t, 'Hana')
      await setUp(t, id, hana.token)
      const res = await react(t, id, kind, bearer(hana.token))
      expect(res.status).toBe(status)
      expect((await res.json()).error.code).toBe(code)
      expect(await rows(t)).toEqual([])
      expect(await counts(t, id)).toEqual({})
    })

    it('takes a deleted account\u2019s reactions off the counts, and lists them in its export', async () => {
      const t = await startApp(database())
      const { id } = await postGuest(t, 'Hello')
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren')
      await react(t, id, 'heart', bearer(hana.token))
      await react(t, id, 'thanks', bearer(hana.token))
      await react(t, id, 'heart', bearer(ren.token))
      const exported = await (await fromEngawa(t, 'GET', '/api/v1/me/export', undefined, hana.cookie)).json()
      expect(exported.reactions).toEqual([
        { siteId: t.site.id, commentId: id, kind: 'heart', createdAt: expect.any(String) },
        { siteId: t.site.id, commentId: id, kind: 'thanks', createdAt: expect.any(String) },
      ])
      const gone = await fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'keep', password: PASSWORD }, hana.cookie)
      expect(gone.status).toBeLessThan(300)
      expect(await counts(t, id)).toEqual({ heart: 1 })
      expect((await readThread(t)).comments[0].reactions).toEqual({ heart: 1 })
    })

    it('tells the widget who may react, through the site\u2019s public rules and its settings', async () => {
      const t = await startApp(database())
      expect((await (await t.get(`/api/v1/sites/${t.site.id}`)).json()).reactions).toBe('accounts')
      const owner = await staffOf(t, 'Owner', 'owner')
      const saved = await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/settings`, { reactions: 'everyone' }, owner.cookie)
      expect(saved.status).toBe(200)
      expect((await (await t.get(`/api/v1/sites/${t.site.id}`)).json()).reactions).toBe('everyone')
      expect((await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/settings`, { reactions: 'sometimes' }, owner.cookie)).status).toBe(400)
    })
  })
})
