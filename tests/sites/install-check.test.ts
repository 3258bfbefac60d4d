import { describe, expect, it } from 'vitest'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { fromEngawa, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, SITE_ORIGIN, startApp, type TestApp } from '../helpers/harness.ts'

// The install check: where the widget loaded and where it was refused, counted without anything
// about the reader, so an owner sees within a minute whether the embed works.
forEachBackend((database) => {
  const load = (t: TestApp, url: string, origin: string | false, extra = '') =>
    t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(url)}${extra}`, { origin })
  const check = async (t: TestApp, cookie: string) => {
    await t.flushLoads()
    const res = await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/install-check`, undefined, cookie)
    expect(res.status).toBe(200)
    return (await res.json()).origins
  }

  describe('the install check', () => {
    it('counts first-page loads by origin and page, and refused loads first, with nothing about readers', async () => {
      const t = await startApp(database())
      const moderator = await staffOf(t, 'Mo', 'moderator')
      const other = `${SITE_ORIGIN}/posts/other`
      for (const url of [ARTICLE_URL, `${ARTICLE_URL}?utm_source=x#c`, other, ARTICLE_URL]) expect((await load(t, url, SITE_ORIGIN)).status).toBe(200)
      // Not loads: a later page (cursor), a request without Origin (a script, not a page), nor one
      // another site's page sent without it.
      await postGuest(t, 'one')
      await load(t, ARTICLE_URL, SITE_ORIGIN, '&cursor=abc')
      await load(t, ARTICLE_URL, false)
      await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`, { origin: false, headers: { 'sec-fetch-site': 'cross-site', referer: ARTICLE_URL } })
      // A load: a page's read of its own origin, which browsers send without Origin (Engawa on the site's own domain).
      await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(other)}`, { origin: false, headers: { 'sec-fetch-site': 'same-origin', referer: other } })
      const www = 'https://www.blog.example'
      expect((await load(t, `${www}/posts/japan-ai-copyright`, www)).status).toBe(403)
      expect((await load(t, `${www}/posts/japan-ai-copyright`, www)).status).toBe(403)

      const origins = await check(t, moderator.cookie)
      expect(origins).toEqual([
        { origin: www, allowed: false, loads: 2, lastAt: expect.any(String), pages: [{ page: `${www}/posts/japan-ai-copyright`, loads: 2 }] },
        {
          origin: SITE_ORIGIN,
          allowed: true,
          loads: 5,
          lastAt: expect.any(String),
          pages: [
            { page: ARTICLE_URL, loads: 3 },
            { page: other, loads: 2 },
          ],
        },
      ])
      const columns = await t.db.selectFrom('widget_loads').selectAll().where('site_id', '=', t.site.id).execute()
      expect(Object.keys(columns[0] ?? {}).sort()).toEqual(['allowed', 'day', 'last_at', 'loads', 'origin', 'page', 'site_id'])
    })

    it('shows a refused origin on the overview with "Allow it", and counts it as allowed once allowed', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      const www = 'https://www.blog.example'
      const overview = async (cookie: string) => {
        await t.flushLoads()
        return (await t.request('GET', `/admin/sites/${t.site.id}`, undefined, { origin: false, headers: { cookie } })).text()
      }
      expect(await overview(owner.cookie)).toContain('has not loaded on an allowed page')
      await load(t, `${www}/posts/a`, www)
      const refused = await overview(owner.cookie)
      expect(refused).toContain(`<code>${www}</code> tried to load comments 1 time`)
      expect(refused).toContain(`data-allow-origin="${www}"`)
      // A moderator sees it too, without the button.
      const moderator = await staffOf(t, 'Mo', 'moderator')
      const seen = await overview(moderator.cookie)
      expect(seen).toContain('tried to load comments')
      expect(seen).not.toContain('data-allow-origin')

      expect((await fromEngawa(t, 'PUT', `/api/v1/admin/sites/${t.site.id}/origins`, { origins: [SITE_ORIGIN, www] }, owner.cookie)).status).toBe(200)
      t.clock.advance(1000)
      expect((await load(t, `${www}/posts/a`, www)).status).toBe(200)
      const origins = await check(t, owner.cookie)
      expect(origins).toMatchObject([{ origin: www, allowed: true, loads: 2 }])
      expect(await overview(owner.cookie)).not.toContain('tried to load comments')
    })

    it('counts answers from the page cache too, and keeps a week', async () => {
      const t = await startApp(database(), { config: { pageCacheMs: 1000 } })
      const owner = await staffOf(t, 'Olive', 'owner')
      for (let i = 0; i < 3; i++) expect((await load(t, ARTICLE_URL, SITE_ORIGIN)).status).toBe(200)
      expect(await check(t, owner.cookie)).toMatchObject([{ origin: SITE_ORIGIN, loads: 3 }])
      t.clock.advance(8 * 86_400_000)
      expect(await check(t, owner.cookie)).toEqual([])
      expect((await runMaintenance(t.db, t.clock.now(), 'http://127.0.0.1:8787')).widgetLoads).toBeGreaterThanOrEqual(1)
      expect(await t.db.selectFrom('widget_loads').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
    })

    it('writes nothing, and fails nothing, for a site deleted before the counts are written', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      await load(t, ARTICLE_URL, SITE_ORIGIN)
      expect((await fromEngawa(t, 'DELETE', `/api/v1/admin/sites/${t.site.id}`, { name: t.site.name }, owner.cookie)).status).toBe(200)
      await t.flushLoads()
      expect(t.logs.filter((l) => /error|violat/i.test(l))).toEqual([])
      expect(await t.db.selectFrom('widget_loads').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
    })
  })
})
