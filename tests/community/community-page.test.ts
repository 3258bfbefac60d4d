import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn } from '../helpers/comments.ts'
import { SITE_ORIGIN, startApp, type TestApp } from '../helpers/harness.ts'

const onArticle = (n: number) => ({ thread: { url: `${SITE_ORIGIN}/posts/${n}`, title: `Article ${n}` } })
const pageOf = async (t: TestApp, path: string) => {
  const res = await t.get(path, { origin: false })
  return { status: res.status, html: await res.text() }
}
/** The server-drawn view: what is inside the embed's host element. */
const drawn = (html: string) => /<div id="engawa">([\s\S]*?)<\/div>\s*(<script|<\/main>)/.exec(html)?.[1] ?? ''

forEachBackend((database) => {
  describe('the community page on Engawa (/s/{site})', () => {
    it.each([
      { case: 'English by default', query: '', accept: undefined, lang: 'en', title: 'Discussions on Test blog' },
      { case: 'Japanese for a Japanese reader', query: '', accept: 'ja-JP,ja;q=0.9,en;q=0.5', lang: 'ja', title: 'Test blog のディスカッション' },
      { case: 'the language asked for', query: '?lang=en', accept: 'ja', lang: 'en', title: 'Discussions on Test blog' },
    ])('speaks $case, and draws the community view with the embed script under a strict policy', async ({ query, accept, lang, title }) => {
      const t = await startApp(database())
      const res = await t.get(`/s/${t.site.id}${query}`, { origin: false, headers: accept ? { 'accept-language': accept } : {} })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
      const html = await res.text()
      expect(html).toContain(`<html lang="${lang}">`)
      expect(html).toContain(`<title>${title}</title>`)
      expect(html).toContain(`<script src="/embed.js" data-site="${t.site.id}" data-view="community" data-lang="${lang}"`)
      expect(html).toContain(`<a href="${t.site.origin}/">`)
    })

    it('answers 404 for a site that does not exist, and escapes what it echoes', async () => {
      const t = await startApp(database())
      const res = await t.get('/s/nosuchsite', { origin: false })
      expect(res.status).toBe(404)
      const tab = await (await t.get(`/s/${t.site.id}?tab=%22%3E%3Cscript%3E`, { origin: false })).text()
      expect(tab).not.toContain('"><script>')
    })

    it('draws the discussions on the server, readable without JavaScript: published comments only, tabs and later pages as links', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      // A second apart: newest first is then one order, not one of many among equal times.
      for (let i = 1; i <= 22; i++) {
        t.clock.advance(1000)
        await postGuest(t, `Comment **${i}**`, onArticle(i % 2))
      }
      const hidden = await postGuest(t, 'Rude words', onArticle(1))
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${hidden.id}`, { action: 'hide', reason: 'Rude' }, mod.cookie)).status).toBe(200)

      const first = await pageOf(t, `/s/${t.site.id}`)
      expect(first.status).toBe(200)
      const view = drawn(first.html)
      expect(view).toContain('<h2 id="ch">Discussions on Test blog</h2>')
      expect(view).toContain('<p>Comment <strong>22</strong></p>')
      expect(view).toContain(`<a class="ti" href="${SITE_ORIGIN}/posts/0">Article 0</a>`)
      expect(view).toContain('#engawa-comment-')
      expect(view).toContain('<a href="?tab=latest&amp;lang=en" aria-current="page">Latest comments</a>')
      expect(view).not.toContain('Rude words')
      expect(view.match(/<li>\s*<p class="meta">/g)).toHaveLength(20)
      const next = /<a rel="next" href="([^"]+)"/.exec(view)?.[1]?.replaceAll('&amp;', '&')
      expect(next).toMatch(/^\?tab=latest&cursor=/)
      // A later page is drawn here alone: the script would start again from the first.
      const second = await pageOf(t, `/s/${t.site.id}${next}`)
      const numbers = (html: string) => [...drawn(html).matchAll(/Comment <strong>(\d+)<\/strong>/g)].map((m) => Number(m[1]))
      expect([...numbers(first.html), ...numbers(second.html)].sort((a, b) => a - b)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1))
      expect(second.html).not.toContain('data-view="community"')
      expect(second.html).not.toContain('rel="next"')
      // A cursor that does not read is the first page, not an error.
      expect(drawn((await pageOf(t, `/s/${t.site.id}?cursor=nonsense`)).html)).toContain('<strong>22</strong>')

      const active = drawn((await pageOf(t, `/s/${t.site.id}?tab=active&period=day&lang=ja`)).html)
      expect(active).toContain('<a href="?tab=active&amp;period=day&amp;lang=ja" aria-current="page">過去24時間</a>')
      expect(active).toContain('この期間のコメント 11 件')
      const threads = drawn((await pageOf(t, `/s/${t.site.id}?tab=threads`)).html)
      expect(threads.match(/class="ti"/g)).toHaveLength(2)
    })

    it('draws a public profile on the server, and nothing of a private one', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana <Sato>')
      await postSignedIn(t, hana.token, 'My first comment.', onArticle(1))
      const path = `/s/${t.site.id}/u/${hana.user.id}`
      const closed = await pageOf(t, path)
      expect(closed.status).toBe(404)
      expect(drawn(closed.html)).toContain('This profile is private, or there is none here.')
      expect(closed.html).not.toContain('My first comment.')
      expect((await pageOf(t, `/s/${t.site.id}/u/not-a-uuid`)).status).toBe(404)

      await t.request('PUT', '/api/v1/me/profile', { public: true }, { headers: bearer(hana.token) })
      await t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, { bio: 'Illustrator <b>in</b> Osaka.' }, { headers: bearer(hana.token) })
      const open = await pageOf(t, path)
      expect(open.status).toBe(200)
      const view = drawn(open.html)
      expect(view).toContain('<h2 id="ch"><bdi>Hana &lt;Sato&gt;</bdi></h2>')
      expect(view).toContain('<p>Illustrator &lt;b&gt;in&lt;/b&gt; Osaka.</p>')
      expect(view).toContain('<p>My first comment.</p>')
      expect(view).toContain(`<a href="/s/${t.site.id}/u/${hana.user.id}?lang=en">Hana &lt;Sato&gt;</a>`)
      expect(open.html).toContain(`data-view="profile" data-user="${hana.user.id}"`)
    })
  })
})
