import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'

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
  })
})
