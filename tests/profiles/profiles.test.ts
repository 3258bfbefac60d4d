import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

const profilePath = (t: TestApp, userId: string, query = '') => `/api/v1/sites/${t.site.id}/profiles/${userId}${query}`
const makePublic = (t: TestApp, token: string, on = true) => t.request('PUT', '/api/v1/me/profile', { public: on }, { headers: bearer(token) })
const writeBio = (t: TestApp, token: string, bio: string) => t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, { bio }, { headers: bearer(token) })

forEachBackend((database) => {
  describe('reader profiles', () => {
    it('are private until their reader turns them on; then anyone sees the bio and the published comments, newest first, paged', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana Sato')
      const first = await postSignedIn(t, hana.token, 'First, on the reciprocity question.')
      t.clock.advance(60_000)
      const second = await postSignedIn(t, hana.token, 'Second thought.')
      t.clock.advance(60_000)
      const third = await postSignedIn(t, hana.token, 'Third.')
      await postGuest(t, 'Someone else')
      const unknown = await t.get(profilePath(t, crypto.randomUUID()))
      const closed = await t.get(profilePath(t, hana.user.id))
      expect([closed.status, unknown.status]).toEqual([404, 404])
      expect((await closed.json()).error.code).toBe('profile_not_found')
      // Its reader sees it, saying it is not public yet.
      const own = await (await t.get(profilePath(t, hana.user.id), { headers: bearer(hana.token) })).json()
      expect(own.profile).toMatchObject({ name: 'Hana Sato', public: false, shown: false, bio: '' })

      expect((await writeBio(t, hana.token, '  Illustrator in Osaka.  ')).status).toBe(200)
      expect((await makePublic(t, hana.token)).status).toBe(200)
      expect((await (await t.get(profilePath(t, hana.user.id), { headers: bearer(hana.token) })).json()).profile).toMatchObject({ public: true, shown: true })
      const res = await t.get(profilePath(t, hana.user.id, '?limit=2'))
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toContain('public')
      const page = await res.json()
      expect(page.profile).toEqual({ id: hana.user.id, name: 'Hana Sato', hue: expect.any(Number), bio: 'Illustrator in Osaka.', joinedAt: expect.any(String) })
      expect(new Date(page.profile.joinedAt).getTime()).toBeLessThan(t.clock.now().getTime())
      expect(page.comments.map((c: { id: string }) => c.id)).toEqual([third.id, second.id])
      const next = await (await t.get(profilePath(t, hana.user.id, `?limit=2&cursor=${page.nextCursor}`))).json()
      expect(next.comments.map((c: { id: string }) => c.id)).toEqual([first.id])
      expect(next.nextCursor).toBeNull()
      expect((await (await t.get('/api/v1/me', { headers: bearer(hana.token) })).json()).user.profilePublic).toBe(true)
      const exported = await (await fromEngawa(t, 'GET', '/api/v1/me/export', undefined, hana.cookie)).json()
      expect(exported.profile).toEqual({ public: true, bios: [{ siteId: t.site.id, bio: 'Illustrator in Osaka.', hiddenByModerators: false, updatedAt: expect.any(String) }] })
    })

    it('shares one read among readers asking for a public profile at once, with an ETag', async () => {
      const db = database()
      // Kept a second, as in production (the fake clock stands still: until something drops it).
      const t = await startApp(db, { config: { pageCacheMs: 1000 } })
      const hana = await readerOf(t, 'Hana')
      for (let i = 0; i < 3; i++) await postSignedIn(t, hana.token, `Comment ${i}`)
      await makePublic(t, hana.token)
      db.statements.length = 0
      const answers = await Promise.all(Array.from({ length: 8 }, () => t.get(profilePath(t, hana.user.id))))
      expect(answers.map((res) => res.status)).toEqual(Array(8).fill(200))
      expect(db.statements.filter((q) => !/from "sites"/.test(q.sql))).toHaveLength(2)
      const etag = answers[0]?.headers.get('etag') ?? ''
      expect(etag).toMatch(/^"/)
      expect((await t.get(profilePath(t, hana.user.id), { headers: { 'if-none-match': etag } })).status).toBe(304)
      // A bio written is shown at once, not after the cache's second.
      await writeBio(t, hana.token, 'New words.')
      expect((await (await t.get(profilePath(t, hana.user.id))).json()).profile.bio).toBe('New words.')
      // Unknown or private stays a 404 through the cache too.
      expect((await t.get(profilePath(t, crypto.randomUUID()))).status).toBe(404)
    })

    it('reads a profile page in two queries once the site is known', async () => {
      const db = database()
      const t = await startApp(db)
      const hana = await readerOf(t, 'Hana')
      for (let i = 0; i < 5; i++) await postSignedIn(t, hana.token, `Comment ${i}`)
      await makePublic(t, hana.token)
      db.statements.length = 0
      const res = await t.get(profilePath(t, hana.user.id, '?limit=2'))
      expect(res.status).toBe(200)
      expect(db.statements.filter((q) => !/from "sites"/.test(q.sql))).toHaveLength(2)
    })

    it('shows nothing of a shadow-banned reader to others, nor where the site turned profiles off, but moderators always see the list', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const ren = await readerOf(t, 'Ren')
      const posted = await postSignedIn(t, ren.token, 'Hello')
      await makePublic(t, ren.token)
      expect((await t.get(profilePath(t, ren.user.id))).status).toBe(200)
      await t.db.updateTable('sites').set({ public_profiles: false }).where('id', '=', t.site.id).execute()
      expect((await t.get(profilePath(t, ren.user.id))).status).toBe(404)
      await t.db.updateTable('sites').set({ public_profiles: true }).where('id', '=', t.site.id).execute()
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: posted.id, action: 'shadow-ban' }, mod.cookie)).status).toBe(200)
      expect((await t.get(profilePath(t, ren.user.id))).status).toBe(404)
      const seenByMod = await (await t.get(profilePath(t, ren.user.id), { headers: bearer(mod.token) })).json()
      expect(seenByMod.profile.public).toBe(true)
      // A shadow-banned comment is not published, so not listed even to moderators: the queue is where they see it.
      expect(seenByMod.comments).toEqual([])
    })

    it('lets moderators hide a bio (audited), which a new bio from its reader replaces', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const ren = await readerOf(t, 'Ren')
      await makePublic(t, ren.token)
      await writeBio(t, ren.token, 'Buy my course at spam.example')
      const hide = await fromEngawa(t, 'PUT', `/api/v1/moderation/sites/${t.site.id}/profiles/${ren.user.id}/bio`, { hidden: true, reason: 'Advertising' }, mod.cookie)
      expect(hide.status).toBe(200)
      expect((await (await t.get(profilePath(t, ren.user.id))).json()).profile.bio).toBe('')
      expect((await (await t.get(profilePath(t, ren.user.id), { headers: bearer(ren.token) })).json()).profile).toMatchObject({ bio: 'Buy my course at spam.example', bioHidden: true })
      const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)).json()
      expect(audit.entries[0]).toMatchObject({ action: 'hide-bio', actor: 'Mod', targetKind: 'author', targetId: `user:${ren.user.id}`, reason: 'Advertising' })
      const reader = await readerOf(t, 'Someone')
      expect((await t.request('PUT', `/api/v1/moderation/sites/${t.site.id}/profiles/${ren.user.id}/bio`, { hidden: false }, { headers: bearer(reader.token) })).status).toBe(403)
      await writeBio(t, ren.token, 'Illustrator.')
      expect((await (await t.get(profilePath(t, ren.user.id))).json()).profile.bio).toBe('Illustrator.')
    })

    it.each([
      { case: 'a bio of 301 characters', body: { bio: 'x'.repeat(301) }, status: 400 },
      { case: 'another field', body: { bio: 'ok', name: 'Admin' }, status: 400 },
    ])('refuses $case and changes nothing', async ({ body, status }) => {
      const t = await startApp(database())
      const ren = await readerOf(t, 'Ren')
      const res = await t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, body, { headers: bearer(ren.token) })
      expect(res.status).toBe(status)
      expect(await t.db.selectFrom('reader_profiles').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
      expect((await t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, { bio: 'hi' })).status).toBe(401)
    })
  })
})

forEachBackend((database) => {
  describe('names that link to profiles', () => {
    it('carry the author\u2019s profile id on thread pages only while they show their profile and the site allows it, and the page changes with it', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      await postSignedIn(t, hana.token, 'Before')
      const author = async () => (await readThread(t)).comments.map((c: { author: { profileId?: string } }) => c.author.profileId ?? null)
      const etag = async () => (await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`)).headers.get('etag')
      expect(await author()).toEqual([null])
      const before = await etag()
      await makePublic(t, hana.token)
      await postSignedIn(t, hana.token, 'After')
      await postGuest(t, 'A guest never links')
      expect(await author()).toEqual([hana.user.id, hana.user.id, null])
      expect(await etag()).not.toBe(before)
      await t.db.updateTable('sites').set({ public_profiles: false }).where('id', '=', t.site.id).execute()
      expect(await author()).toEqual([null, null, null])
      await t.db.updateTable('sites').set({ public_profiles: true }).where('id', '=', t.site.id).execute()
      await makePublic(t, hana.token, false)
      expect(await author()).toEqual([null, null, null])
    })
  })
})
