import { describe, expect, it } from 'vitest'
import { bearer, ENGAWA_ORIGIN, fromEngawa, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('personal and authenticated answers', () => {
    it('are never kept by a shared cache, while public pages stay cacheable', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      const { editToken } = await postGuest(t, 'Hello')
      const site = `/api/v1/sites/${t.site.id}`
      const personal = {
        me: await fromEngawa(t, 'GET', '/api/v1/me', undefined, owner.cookie),
        'me by bearer': await t.get('/api/v1/me', { headers: bearer(owner.token) }),
        queue: await fromEngawa(t, 'GET', '/api/v1/moderation/queue', undefined, owner.cookie),
        'site queue': await fromEngawa(t, 'GET', `/api/v1/moderation${site}/queue`, undefined, owner.cookie),
        audit: await fromEngawa(t, 'GET', `/api/v1/moderation${site}/audit`, undefined, owner.cookie),
        search: await fromEngawa(t, 'GET', `/api/v1/moderation${site}/search?text=Hello`, undefined, owner.cookie),
        settings: await fromEngawa(t, 'GET', `/api/v1/admin${site}/settings`, undefined, owner.cookie),
        members: await fromEngawa(t, 'GET', `/api/v1/admin${site}/members`, undefined, owner.cookie),
        tokens: await fromEngawa(t, 'GET', `/api/v1/admin${site}/tokens`, undefined, owner.cookie),
        webhooks: await fromEngawa(t, 'GET', `/api/v1/admin${site}/webhooks`, undefined, owner.cookie),
        'mail log': await fromEngawa(t, 'GET', `/api/v1/admin${site}/mail`, undefined, owner.cookie),
        'own comments': await t.get(`${site}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: { 'x-edit-token': editToken } }),
        dashboard: await fromEngawa(t, 'GET', '/admin', undefined, owner.cookie),
        'a refusal': await fromEngawa(t, 'GET', '/api/v1/me'),
      }
      for (const [what, res] of Object.entries(personal)) {
        expect([what, res.status < 500]).toEqual([what, true])
        expect([what, res.headers.get('cache-control')]).toEqual([what, expect.stringMatching(/no-store/)])
      }
      expect(personal.me.headers.get('cache-control')).toBe('private, no-store')
      const page = await t.get(`${site}/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(page.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=1')
      const counts = await t.get(`${site}/counts?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(counts.headers.get('cache-control')).toBe('public, max-age=10')
    })

    it('answer CORS only to pages of an origin some site allows, never to an arbitrary one', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      const preflight = (origin: string) =>
        t.request('OPTIONS', '/api/v1/me', undefined, { origin, headers: { 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } })
      expect((await preflight(t.site.origin)).headers.get('access-control-allow-origin')).toBe(t.site.origin)
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
      const mine = await t.get('/api/v1/me', { origin: t.site.origin, headers: bearer(owner.token) })
      expect(mine.status).toBe(200)
      expect(mine.headers.get('access-control-allow-origin')).toBe(t.site.origin)
      const foreign = await t.get('/api/v1/me', { origin: 'https://evil.example', headers: bearer(owner.token) })
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
      expect(foreign.status).toBe(403)
      expect((await t.get('/api/v1/me', { origin: ENGAWA_ORIGIN, headers: bearer(owner.token) })).headers.get('access-control-allow-origin')).toBeNull()
    })
  })
})
