import { describe, expect, it } from 'vitest'
import { fromEngawa, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

// A site's allowed origins, changed by its owner at any time: adding is immediate; removing one
// whose pages have threads asks to confirm, and deletes nothing.
forEachBackend((database) => {
  const audit = (t: TestApp, action: string) =>
    t.db.selectFrom('moderation_actions').select(['reason']).where('site_id', '=', t.site.id).where('action', '=', action).execute()
  const readFrom = (t: TestApp, origin: string) => t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`, { origin })

  describe("a site's allowed origins", () => {
    it('adds an origin at once and audits it; saving the same list again changes and audits nothing', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      expect((await readFrom(t, 'https://www.blog.example')).status).toBe(403)
      const path = `/api/v1/admin/sites/${t.site.id}/origins`
      const res = await fromEngawa(t, 'PUT', path, { origins: ['https://blog.example', 'https://WWW.blog.example/'] }, owner.cookie)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ origins: ['https://blog.example', 'https://www.blog.example'] })
      const read = await readFrom(t, 'https://www.blog.example')
      expect(read.status).toBe(200)
      expect(read.headers.get('access-control-allow-origin')).toBe('https://www.blog.example')
      expect(await audit(t, 'origins')).toEqual([{ reason: 'Allowed origins: added https://www.blog.example' }])
      expect((await fromEngawa(t, 'PUT', path, { origins: ['https://www.blog.example', 'https://blog.example'] }, owner.cookie)).status).toBe(200)
      expect(await audit(t, 'origins')).toHaveLength(1)
    })

    it('asks to confirm removing an origin whose pages have threads, saying how many, and deletes no comment', async () => {
      const t = await startApp(database(), { site: { origins: ['https://blog.example', 'https://old.example'] } })
      const owner = await staffOf(t, 'Olive', 'owner')
      await postGuest(t, 'on the blog')
      await postGuest(t, 'on the blog, again')
      const path = `/api/v1/admin/sites/${t.site.id}/origins`
      const refused = await fromEngawa(t, 'PUT', path, { origins: ['https://old.example'] }, owner.cookie)
      expect(refused.status).toBe(409)
      const body = await refused.json()
      expect(body.error.code).toBe('confirmation_required')
      expect(body.error.message).toContain('https://blog.example has 1 thread')
      expect((await t.db.selectFrom('sites').select('allowed_origins').where('id', '=', t.site.id).executeTakeFirstOrThrow()).allowed_origins).toEqual(['https://blog.example', 'https://old.example'])
      // An origin without threads goes without asking.
      expect((await fromEngawa(t, 'PUT', path, { origins: ['https://blog.example'] }, owner.cookie)).status).toBe(200)
      const confirmed = await fromEngawa(t, 'PUT', path, { origins: ['https://new.example'], confirm: true }, owner.cookie)
      expect(await confirmed.json()).toEqual({ origins: ['https://new.example'] })
      expect(await t.count('comments')).toBe(2)
      expect((await readFrom(t, 'https://blog.example')).status).toBe(403)
      // Back again, and so are its comments.
      await fromEngawa(t, 'PUT', path, { origins: ['https://new.example', 'https://blog.example'] }, owner.cookie)
      expect((await (await readFrom(t, 'https://blog.example')).json()).thread.total).toBe(2)
      expect((await audit(t, 'origins')).map((a) => a.reason)).toEqual([
        'Allowed origins: removed https://old.example',
        'Allowed origins: added https://new.example; removed https://blog.example',
        'Allowed origins: added https://blog.example',
      ])
    })

    it.each([
      { case: 'an empty list', origins: [], status: 400 },
      { case: 'a path', origins: ['https://blog.example/posts'], status: 400 },
      { case: 'another scheme', origins: ['ftp://blog.example'], status: 400 },
    ])('refuses $case, writing nothing', async ({ origins, status }) => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      const res = await fromEngawa(t, 'PUT', `/api/v1/admin/sites/${t.site.id}/origins`, { origins }, owner.cookie)
      expect(res.status).toBe(status)
      expect((await res.json()).error.code).toBe('invalid_request')
      expect(await audit(t, 'origins')).toEqual([])
    })

    it('is for owners: a moderator gets 403, nobody signed in 401', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mina')
      const path = `/api/v1/admin/sites/${t.site.id}/origins`
      expect((await fromEngawa(t, 'PUT', path, { origins: ['https://evil.example'] }, mod.cookie)).status).toBe(403)
      expect((await fromEngawa(t, 'PUT', path, { origins: ['https://evil.example'] })).status).toBe(401)
      expect((await t.db.selectFrom('sites').select('allowed_origins').where('id', '=', t.site.id).executeTakeFirstOrThrow()).allowed_origins).toEqual(['https://blog.example'])
    })
  })

  describe("a site's settings, saved", () => {
    it('audit only the fields that changed, and nothing when none did', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      const path = `/api/v1/admin/sites/${t.site.id}/settings`
      const settings = await (await fromEngawa(t, 'GET', path, undefined, owner.cookie)).json()
      expect((await fromEngawa(t, 'PATCH', path, settings, owner.cookie)).status).toBe(200)
      expect(await audit(t, 'settings')).toEqual([])
      const res = await fromEngawa(t, 'PATCH', path, { ...settings, maxLinks: 3, blockedWords: ['Casino'] }, owner.cookie)
      expect((await res.json()).maxLinks).toBe(3)
      expect(await audit(t, 'settings')).toEqual([{ reason: 'Changed blockedWords, maxLinks' }])
      // The same words again, as typed differently: normalised alike, so unchanged.
      await fromEngawa(t, 'PATCH', path, { blockedWords: ['casino '] }, owner.cookie)
      expect(await audit(t, 'settings')).toHaveLength(1)
    })
  })
})
