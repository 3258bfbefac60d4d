import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { fromEngawa, widgetToken, readerOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread, postAs } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const guestFrom = (t: TestApp, ip: string, body: string, extra: Record<string, unknown> = {}) =>
  t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body, extra), { ip })

async function commentCount(t: TestApp) {
  return t.count('comments')
}

forEachBackend((database) => {
  describe('site rules', () => {
    it('pre-moderates the first comment of each new author, guests by network, until one is approved', async () => {
      const t = await startApp(database(), { site: { premoderation: 'first' } })
      const mod = await readerOf(t, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const reader = await readerOf(t, 'Reader')
      const first = await (await postAs(t, reader.token, 'Hello, first time here')).json()
      expect(first.comment.status).toBe('pending')
      expect((await (await postAs(t, reader.token, 'Still waiting?')).json()).comment.status).toBe('pending')
      const queue = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, mod.cookie)).json()
      expect(queue.items[0].heldBecause).toBe("The author's first comment on this site.")
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${first.comment.id}`, { action: 'approve' }, mod.cookie)
      expect((await (await postAs(t, reader.token, 'Now I am known')).json()).comment.status).toBe('published')
      // Guests: known by their network; an IPv6 address by its /64.
      expect((await (await guestFrom(t, '2001:db8:1:2::1', 'guest one')).json()).comment.status).toBe('pending')
      expect((await (await postAs(t, mod.token, 'Moderators are never held')).json()).comment.status).toBe('published')
    })

    it('pre-moderates every comment when asked, except those of trusted authors and moderators', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const mod = await readerOf(t, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const reader = await readerOf(t, 'Reader')
      const held = await (await postAs(t, reader.token, 'Held')).json()
      expect(held.comment.status).toBe('pending')
      expect((await postGuest(t, 'Guest, held')).status).toBe('pending')
      const trust = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: held.comment.id, action: 'trust' }, mod.cookie)
      expect(await trust.json()).toMatchObject({ author: `user:${reader.user.id}`, trusted: true, shadowBanned: false, ban: null })
      expect((await (await postAs(t, reader.token, 'Trusted now')).json()).comment.status).toBe('published')
      expect((await readThread(t)).thread.total).toBe(1)
    })

    it('sends comments with a blocked word or link to the queue: whole words, Japanese anywhere, full-width forms too', async () => {
      const t = await startApp(database(), { site: { blockedWords: ['casino', '詐欺'], blockedLinks: ['https://www.spam.example/x'] } })
      const cases: Array<[string, string]> = [
        ['Try the Casino tonight!', 'pending'],
        ['Try the ＣＡＳＩＮＯ tonight!', 'pending'],
        ['Casinos and occasional visits', 'published'],
        ['これは詐欺です', 'pending'],
        ['これは正しい', 'published'],
        ['see https://spam.example/offer', 'pending'],
        ['see [this](https://shop.spam.example/)', 'pending'],
        ['see https://notspam.example/', 'published'],
      ]
      for (const [body, status] of cases) expect((await postGuest(t, body)).status, body).toBe(status)
      const held = await t.db.selectFrom('comments').select(['body_source', 'moderation_reason']).where('site_id', '=', t.site.id).where('status', '=', 'pending').orderBy('seq').execute()
      expect(held.map((h) => h.moderation_reason)).toEqual([
        'Contains a blocked word: “casino”.',
        'Contains a blocked word: “casino”.',
        'Contains a blocked word: “詐欺”.',
        'Links to a blocked domain: spam.example.',
        'Links to a blocked domain: spam.example.',
      ])
    })

    it('sends a comment back for review when an edit brings in a blocked word, and refuses an edit with too many links', async () => {
      const t = await startApp(database(), { site: { blockedWords: ['casino'], maxLinks: 1 } })
      const c = await postGuest(t, 'An honest opinion')
      const edit = (body: string) =>
        t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${c.id}`, { body }, { headers: { 'x-edit-token': c.editToken } })
      const tooMany = await edit('see https://a.example and https://b.example')
      expect(tooMany.status).toBe(422)
      expect((await tooMany.json()).error.code).toBe('too_many_links')
      const held = await edit('An honest opinion. Visit my casino!')
      expect(held.status).toBe(200)
      expect((await held.json()).comment.status).toBe('pending')
      const page = await readThread(t)
      expect(page.thread.total).toBe(0)
      expect(page.comments).toEqual([])
      const row = await t.db.selectFrom('comments').select(['body_source', 'moderation_reason']).where('id', '=', c.id).executeTakeFirstOrThrow()
      expect(row).toEqual({ body_source: 'An honest opinion. Visit my casino!', moderation_reason: 'Edited. Contains a blocked word: “casino”.' })
    })

    it('refuses a comment with more links than the site allows, and writes nothing', async () => {
      const t = await startApp(database(), { site: { maxLinks: 2 } })
      expect((await postGuest(t, 'two: https://a.example https://b.example')).status).toBe('published')
      const before = await commentCount(t)
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('three: https://a.example https://b.example [c](https://c.example)'))
      expect(res.status).toBe(422)
      expect((await res.json()).error).toEqual({ code: 'too_many_links', message: 'A comment here may hold at most 2 links.' })
      expect(await commentCount(t)).toBe(before)
    })

    it('limits how often one author posts, per the site’s rule, and lets them go on after the hour', async () => {
      const t = await startApp(database(), { site: { authorPostsPerHour: 2 } })
      for (const body of ['one', 'two']) expect((await guestFrom(t, '192.0.2.7', body)).status).toBe(201)
      const before = await commentCount(t)
      const third = await guestFrom(t, '192.0.2.7', 'three')
      expect(third.status).toBe(429)
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(await commentCount(t)).toBe(before)
      expect((await guestFrom(t, '192.0.2.8', 'someone else')).status).toBe(201)
      t.clock.advance(60 * 60_000 + 1)
      expect((await guestFrom(t, '192.0.2.7', 'later')).status).toBe(201)
    })

    it('limits posts per network and per account across instances sharing the database', async () => {
      const limits = { commentLimits: { perNetwork: 3, perAccount: 2 } }
      const a = await startApp(database(), { config: limits })
      const b = await startApp(database(), { config: limits, db: a.db })
      // Same network, two sites, two instances: one budget.
      const statuses = []
      for (const [t, n] of [[a, 1], [b, 2], [a, 3], [b, 4]] as const) statuses.push((await guestFrom(t, '2001:db8:5:6::' + n, `post ${n}`)).status)
      expect(statuses).toEqual([201, 201, 201, 429])
      const reader = await readerOf(a, 'Reader')
      const tokenB = await widgetToken(b, reader.cookie)
      const byAccount = [await postAs(a, reader.token, 'x'), await postAs(b, tokenB, 'y'), await postAs(a, reader.token, 'z')]
      expect(byAccount.map((r) => r.status)).toEqual([201, 201, 429])
    })

    it('files a comment whose hidden honeypot field is filled as spam, out of sight', async () => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('Great post! Cheap pills', { website: 'https://pills.example' }))
      expect(res.status).toBe(201)
      expect((await res.json()).comment.status).toBe('spam')
      expect((await readThread(t)).comments).toEqual([])
      expect((await postGuest(t, 'A person', { website: '' })).status).toBe('published')
    })

    it('refuses guests where the site asks for accounts', async () => {
      const t = await startApp(database(), { site: { guestsAllowed: false } })
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hello'))
      expect(res.status).toBe(403)
      expect(await commentCount(t)).toBe(0)
    })

    it('lets owners change the rules, normalising lists, refusing bad values whole', async () => {
      const t = await startApp(database())
      const owner = await readerOf(t, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const path = `/api/v1/admin/sites/${t.site.id}/settings`
      const changed = await fromEngawa(t, 'PATCH', path, { premoderation: 'first', blockedWords: [' Casino ', 'casino', 'ＳＰＡＭ'], blockedLinks: ['https://www.Spam.example/path'] }, owner.cookie)
      expect(changed.status).toBe(200)
      expect(await changed.json()).toMatchObject({ premoderation: 'first', blockedWords: ['casino', 'spam'], blockedLinks: ['spam.example'], maxLinks: 10, guestsAllowed: true })
      const bad = await fromEngawa(t, 'PATCH', path, { maxLinks: 2, premoderation: 'sometimes' }, owner.cookie)
      expect(bad.status).toBe(400)
      const unknown = await fromEngawa(t, 'PATCH', path, { guestPolicy: 'allowed' }, owner.cookie)
      expect(unknown.status).toBe(400)
      expect(await (await fromEngawa(t, 'GET', path, undefined, owner.cookie)).json()).toMatchObject({ maxLinks: 10, premoderation: 'first' })
      expect((await postGuest(t, 'spam here')).status).toBe('pending')
    })
  })
})
