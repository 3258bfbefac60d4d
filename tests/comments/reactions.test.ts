import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, PASSWORD, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, postSignedIn, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'
import { holdStanding } from '../../src/authors/standing-lock.ts'

const reaction = (t: TestApp, id: string, kind: string) => `/api/v1/sites/${t.site.id}/comments/${id}/reactions/${kind}`
const react = (t: TestApp, id: string, kind: string, headers: Record<string, string> = {}, ip?: string) =>
  t.request('PUT', reaction(t, id, kind), undefined, { headers, ...(ip ? { ip } : {}) })
const unreact = (t: TestApp, id: string, kind: string, headers: Record<string, string> = {}) => t.request('DELETE', reaction(t, id, kind), undefined, { headers })
const counts = async (t: TestApp, id: string) =>
  (await t.db.selectFrom('comments').select('reactions').where('site_id', '=', t.site.id).where('id', '=', id).executeTakeFirstOrThrow()).reactions
const rows = (t: TestApp) => t.db.selectFrom('reactions').select(['reactor', 'kind']).where('site_id', '=', t.site.id).orderBy('created_at').execute()
/** A site's counts as they must be: every comment's counted reactions, by kind. */
async function expectCountsOfCountedRows(t: TestApp) {
  const comments = await t.db.selectFrom('comments').select(['id', 'reactions']).where('site_id', '=', t.site.id).execute()
  const counted = await t.db.selectFrom('reactions').select(['comment_id', 'kind']).where('site_id', '=', t.site.id).where('counted', '=', true).execute()
  const expected: Record<string, Record<string, number>> = Object.fromEntries(comments.map((c) => [c.id, {}]))
  for (const r of counted) {
    const of = (expected[r.comment_id] ??= {})
    of[r.kind] = (of[r.kind] ?? 0) + 1
  }
  expect(Object.fromEntries(comments.map((c) => [c.id, c.reactions]))).toEqual(expected)
}
const actOnAuthor = (t: TestApp, cookie: string, body: Record<string, unknown>) =>
  fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, body, cookie)
const whoReacted = async (t: TestApp, id: string, headers: Record<string, string>) =>
  (await (await t.get(`/api/v1/sites/${t.site.id}/comments/${id}/reactions`, { headers })).json()).reactions
const threadPath = (t: TestApp) => `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
const OTHER_PAGE = { thread: { url: 'https://blog.example/posts/elsewhere' } }
const overlayOf = async (t: TestApp, headers: Record<string, string> = {}, ip?: string) =>
  (await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers, ...(ip ? { ip } : {}) })).json()
const overlay = async (t: TestApp, headers: Record<string, string> = {}, ip?: string) => (await overlayOf(t, headers, ip)).reactions

forEachBackend((database, backend) => {
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

    it('counts a shadow-banned reader\u2019s reactions for nobody but them: the ban takes them off, lifting it puts them back', async () => {
      // A page cache that would serve stale counts, were it not dropped.
      const t = await startApp(database(), { config: { pageCacheMs: 60_000 } })
      const a = await postGuest(t, 'First')
      const b = await postGuest(t, 'Second')
      const mod = await staffOf(t, 'Mod')
      const hana = await readerOf(t, 'Hana')
      const troll = await readerOf(t, 'Troll')
      // Elsewhere, so moving the troll's comments does not itself move this page on.
      const own = await postSignedIn(t, troll.token, 'Bait', OTHER_PAGE)
      await react(t, a.id, 'heart', bearer(hana.token))
      t.clock.advance(1000) // who reacted lists the earliest first
      for (const kind of ['heart', 'rocket']) await react(t, a.id, kind, bearer(troll.token))
      await react(t, b.id, 'clap', bearer(troll.token))
      const before = await t.get(threadPath(t))
      expect((await before.json()).comments.map((c: { reactions: unknown }) => c.reactions)).toEqual([{ heart: 2, rocket: 1 }, { clap: 1 }])

      expect((await actOnAuthor(t, mod.cookie, { commentId: own.id, action: 'shadow-ban' })).status).toBe(200)
      expect(await counts(t, a.id)).toEqual({ heart: 1 })
      expect(await counts(t, b.id)).toEqual({})
      await expectCountsOfCountedRows(t)
      const banned = await t.get(threadPath(t), { headers: { 'if-none-match': before.headers.get('etag') ?? '' } })
      expect(banned.status).toBe(200)
      expect((await banned.json()).comments.map((c: { reactions: unknown }) => c.reactions)).toEqual([{ heart: 1 }, {}])

      // Who reacted: nobody else hears of the troll; the troll sees themselves; a moderator sees them left out.
      expect(await whoReacted(t, a.id, bearer(hana.token))).toEqual([{ kind: 'heart', count: 1, names: ['Hana'], guests: 0 }])
      expect(await whoReacted(t, b.id, bearer(hana.token))).toEqual([])
      expect(await whoReacted(t, a.id, bearer(troll.token))).toEqual([
        { kind: 'heart', count: 2, names: ['Hana', 'Troll'], guests: 0 },
        { kind: 'rocket', count: 1, names: ['Troll'], guests: 0 },
      ])
      expect(await whoReacted(t, a.id, bearer(mod.token))).toEqual([
        { kind: 'heart', count: 1, names: ['Hana'], guests: 0, uncounted: 1, authors: [{ author: `user:${hana.user.id}`, name: 'Hana' }, { author: `user:${troll.user.id}`, name: 'Troll' }] },
        { kind: 'rocket', count: 0, names: [], guests: 0, uncounted: 1, authors: [{ author: `user:${troll.user.id}`, name: 'Troll' }] },
      ])

      // Reacting while shadow-banned: stored, uncounted, and to the troll as if counted.
      expect(await (await react(t, a.id, 'eyes', bearer(troll.token))).json()).toEqual({ reactions: { heart: 2, rocket: 1, eyes: 1 }, mine: ['heart', 'eyes', 'rocket'] })
      expect(await (await unreact(t, a.id, 'rocket', bearer(troll.token))).json()).toEqual({ reactions: { heart: 2, eyes: 1 }, mine: ['heart', 'eyes'] })
      expect(await counts(t, a.id)).toEqual({ heart: 1 })
      expect(await overlay(t, bearer(troll.token))).toEqual({ [a.id]: ['heart', 'eyes'], [b.id]: ['clap'] })
      // After a reload too, the troll's page counts theirs (the overlay says so), and nobody else's does.
      expect((await overlayOf(t, bearer(troll.token))).counts).toMatchObject({ [a.id]: { heart: 2, eyes: 1 }, [b.id]: { clap: 1 } })
      expect(await (await react(t, a.id, 'heart', bearer(hana.token))).json()).toEqual({ reactions: { heart: 1 }, mine: ['heart'] })
      expect((await overlayOf(t, bearer(hana.token))).counts).toBeUndefined()
      await expectCountsOfCountedRows(t)

      const etag = (await t.get(threadPath(t))).headers.get('etag') ?? ''
      expect((await actOnAuthor(t, mod.cookie, { author: `user:${troll.user.id}`, action: 'unshadow-ban' })).status).toBe(200)
      expect(await counts(t, a.id)).toEqual({ heart: 2, eyes: 1 })
      expect(await counts(t, b.id)).toEqual({ clap: 1 })
      await expectCountsOfCountedRows(t)
      const lifted = await t.get(threadPath(t), { headers: { 'if-none-match': etag } })
      expect(lifted.status).toBe(200)
      expect((await lifted.json()).comments.map((c: { reactions: unknown }) => c.reactions)).toEqual([{ heart: 2, eyes: 1 }, { clap: 1 }])
      expect(await whoReacted(t, a.id, bearer(hana.token))).toEqual([
        { kind: 'heart', count: 2, names: ['Hana', 'Troll'], guests: 0 },
        { kind: 'eyes', count: 1, names: ['Troll'], guests: 0 },
      ])
    })

    it('lets a moderator shadow-ban a reader who only reacts, found by the key who-reacted gives moderators', async () => {
      const t = await startApp(database())
      const a = await postGuest(t, 'First')
      const mod = await staffOf(t, 'Mod')
      const lurker = await readerOf(t, 'Lurker')
      await react(t, a.id, 'eyes', bearer(lurker.token))
      expect(await counts(t, a.id)).toEqual({ eyes: 1 })
      const [eyes] = await whoReacted(t, a.id, bearer(mod.token))
      expect(eyes.authors).toEqual([{ author: `user:${lurker.user.id}`, name: 'Lurker' }])
      const banned = await actOnAuthor(t, mod.cookie, { author: eyes.authors[0].author, action: 'shadow-ban' })
      expect(banned.status).toBe(200)
      expect(await banned.json()).toMatchObject({ author: `user:${lurker.user.id}`, shadowBanned: true })
      expect(await counts(t, a.id)).toEqual({})
      const bans = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/authors/${encodeURIComponent(`user:${lurker.user.id}`)}`, undefined, mod.cookie)).json()
      expect(bans.standing.shadowBanned).toBe(true)
      // Someone who neither commented nor reacted here is still unknown.
      expect((await actOnAuthor(t, mod.cookie, { author: `user:${crypto.randomUUID()}`, action: 'shadow-ban' })).status).toBe(404)
    })

    it('shadow-bans a guest\u2019s reactions too: they are known by the same network hash as their comments', async () => {
      const t = await startApp(database(), { site: { reactions: 'everyone' } })
      const a = await postGuest(t, 'Hello')
      const mod = await staffOf(t, 'Mod')
      const hana = await readerOf(t, 'Hana')
      const own = await (await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('Bait', OTHER_PAGE), { ip: '2001:db8:aa:bb::1' })).json()
      await react(t, a.id, 'heart', {}, '2001:db8:aa:bb::2')
      await react(t, a.id, 'heart', {}, '198.51.100.7')
      expect(await counts(t, a.id)).toEqual({ heart: 2 })
      expect((await actOnAuthor(t, mod.cookie, { commentId: own.comment.id, action: 'shadow-ban' })).status).toBe(200)
      expect(await counts(t, a.id)).toEqual({ heart: 1 })
      await expectCountsOfCountedRows(t)
      expect(await whoReacted(t, a.id, bearer(hana.token))).toEqual([{ kind: 'heart', count: 1, names: [], guests: 1 }])
      expect(await overlay(t, {}, '2001:db8:aa:bb::3')).toEqual({ [a.id]: ['heart'] })
      expect(await (await react(t, a.id, 'laugh', {}, '2001:db8:aa:bb::3')).json()).toEqual({ reactions: { heart: 2, laugh: 1 }, mine: ['heart', 'laugh'] })
      expect(await counts(t, a.id)).toEqual({ heart: 1 })
      expect((await actOnAuthor(t, mod.cookie, { commentId: own.comment.id, action: 'unshadow-ban' })).status).toBe(200)
      expect(await counts(t, a.id)).toEqual({ heart: 2, laugh: 1 })
      await expectCountsOfCountedRows(t)
    })

    it('takes only counted reactions of a deleted account off the counts, whatever others\u2019 uncounted ones', async () => {
      const t = await startApp(database())
      const a = await postGuest(t, 'Hello')
      const mod = await staffOf(t, 'Mod')
      const [hana, ren, troll] = [await readerOf(t, 'Hana'), await readerOf(t, 'Ren'), await readerOf(t, 'Troll')]
      const own = await postSignedIn(t, troll.token, 'Bait', OTHER_PAGE)
      expect((await actOnAuthor(t, mod.cookie, { commentId: own.id, action: 'shadow-ban' })).status).toBe(200)
      for (const reader of [hana, ren, troll]) await react(t, a.id, 'heart', bearer(reader.token))
      await react(t, a.id, 'thanks', bearer(troll.token))
      expect(await counts(t, a.id)).toEqual({ heart: 2 })
      const deleteAccount = (cookie: string) => fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'keep', password: PASSWORD }, cookie)
      expect((await deleteAccount(hana.cookie)).status).toBeLessThan(300)
      expect(await counts(t, a.id)).toEqual({ heart: 1 })
      expect((await deleteAccount(troll.cookie)).status).toBeLessThan(300)
      expect(await counts(t, a.id)).toEqual({ heart: 1 })
      expect(await rows(t)).toEqual([{ reactor: `user:${ren.user.id}`, kind: 'heart' }])
      await expectCountsOfCountedRows(t)
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

  // Two connections at once: the embedded database has one.
  if (backend === 'postgres') it('makes a reaction given while a shadow ban commits wait for it, and count as the ban says', async () => {
    const t = await startApp(database())
    const { id } = await postGuest(t, 'Something to react to')
    const troll = await readerOf(t, 'Troll')
    const other = database().connectAgain()
    let react$: Promise<Response> | undefined
    await other.transaction().execute(async (trx) => {
      // What a shadow ban does first: it holds the standing, then changes it.
      await holdStanding(trx, t.site.id, `user:${troll.user.id}`, true)
      await trx.insertInto('site_authors').values({ site_id: t.site.id, author: `user:${troll.user.id}`, shadow_banned: true, updated_at: t.clock.now() }).execute()
      react$ = react(t, id, 'heart', bearer(troll.token))
      // The reaction waits for the ban rather than reading the standing it is replacing.
      const waiting = () => sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(t.db)
      await expect.poll(async () => (await waiting()).rows[0]?.n, { timeout: 10_000 }).toBe(1)
    })
    expect((await (react$ as Promise<Response>)).status).toBe(200)
    expect(await counts(t, id)).toEqual({})
    const row = await t.db.selectFrom('reactions').select('counted').where('site_id', '=', t.site.id).executeTakeFirstOrThrow()
    expect(row.counted).toBe(false)
  })
  })
})
