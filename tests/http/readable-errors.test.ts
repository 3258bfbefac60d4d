import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

// The widget reads every refusal of a site's public routes: a browser hides an error answer
// without CORS headers, and the misconfiguration then looks like an outage.
forEachBackend((database) => {
  describe('error answers a page can read', () => {
    const readable = (res: Response) => ({ status: res.status, cors: res.headers.get('access-control-allow-origin') })

    it('is a page for a browser that opens an address (a mistyped one, a dashboard page it may not see), JSON for the API whatever is asked', async () => {
      const t = await startApp(database())
      const opening = { origin: false as const, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } }
      const typo = await t.get('/admin/queue', opening)
      expect(typo.status).toBe(404)
      expect(typo.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await typo.text()).toContain('<p>There is nothing at /admin/queue.</p>')
      const api = await t.get('/api/v1/nothing-here', opening)
      expect(api.status).toBe(404)
      expect((await api.json()).error.code).toBe('not_found')
      expect((await t.get('/admin/queue', { origin: false })).headers.get('content-type')).toMatch(/^application\/json/)
      // Nor an error in the console of every page for the tab's icon.
      expect((await t.get('/favicon.ico', { origin: false })).status).toBe(204)
    })

    it('names the unknown site id of a wrong data-site, to any page', async () => {
      const t = await startApp(database())
      const res = await t.get(`/api/v1/sites/no-such-site/thread?url=${encodeURIComponent(ARTICLE_URL)}`, { origin: 'https://anywhere.example' })
      expect(readable(res)).toEqual({ status: 404, cors: '*' })
      const body = await res.json()
      expect(body.error.code).toBe('site_not_found')
      expect(body.error.message).toContain('"no-such-site"')
    })

    it('lets the widget read a 413 for a body over the limit, and writes nothing', async () => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('x'.repeat(70 * 1024)))
      // The body limit answers before the site is looked up.
      expect(readable(res)).toEqual({ status: 413, cors: '*' })
      expect((await res.json()).error.code).toBe('payload_too_large')
      const foreign = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('x'.repeat(70 * 1024)), { origin: 'https://other.example' })
      expect(readable(foreign)).toEqual({ status: 413, cors: '*' })
      expect(await t.count('comments')).toBe(0)
    })

    it('keeps the allowed origin named (not *) on errors of allowed pages, and adds nothing for requests without Origin', async () => {
      const t = await startApp(database())
      const bad = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('   '))
      expect(readable(bad)).toEqual({ status: 400, cors: t.site.origin })
      const scripted = await t.get('/api/v1/sites/no-such-site/thread?url=x', { origin: false })
      expect(readable(scripted)).toEqual({ status: 404, cors: null })
    })

    it('refuses a page of another origin even when the thread page is cached in memory', async () => {
      const t = await startApp(database(), { config: { pageCacheMs: 60_000 } })
      await postGuest(t, 'cached')
      const path = `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
      expect((await t.get(path)).status).toBe(200)
      expect((await t.get(path)).status).toBe(200)
      const foreign = await t.get(path, { origin: 'https://www.blog.example' })
      expect(readable(foreign)).toEqual({ status: 403, cors: '*' })
      expect(await foreign.text()).not.toContain('cached')
    })
  })
})
