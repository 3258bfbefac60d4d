import { describe, expect, it } from 'vitest'
import { fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('the sign-in popup page', () => {
    it('is served for an origin the site allows, under a policy that forbids inline script', async () => {
      const t = await startApp(database(), { site: { name: '<img src=x onerror=alert(1)> Blog' } })
      const res = await t.get(`/auth/popup?site=${t.site.id}&origin=${encodeURIComponent(t.site.origin)}`, { origin: false })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
      const body = await res.text()
      expect(body).toContain(`data-origin="${t.site.origin}"`)
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt; Blog')
      expect(body).not.toContain('<img')
      expect(body).not.toMatch(/<script>/)
    })

    it('goes on to an Engawa page after signing in to Engawa itself, never to anywhere else', async () => {
      const t = await startApp(database())
      const nextOf = async (query: string) => /data-next="([^"]*)"/.exec(await (await t.get(`/auth/popup?${query}`, { origin: false })).text())?.[1]
      expect(await nextOf(`next=${encodeURIComponent('/admin/sites/x?sort=reports')}`)).toBe('/admin/sites/x?sort=reports')
      for (const evil of ['https://evil.example/admin', '//evil.example/admin', '/.//evil.example', '/api/v1/me'])
        expect(await nextOf(`next=${encodeURIComponent(evil)}`), evil).toBe('')
      expect(await nextOf(`site=${t.site.id}&origin=${encodeURIComponent(t.site.origin)}&next=/admin`)).toBe('')
    })

    it('refuses to sign in for an origin the site does not allow, or a site that does not exist', async () => {
      const t = await startApp(database())
      for (const query of [
        `site=${t.site.id}&origin=${encodeURIComponent('https://evil.example')}`,
        `site=${t.site.id}&origin=null`,
        `site=${t.site.id}&origin=${encodeURIComponent(`${t.site.origin}.evil.example`)}`,
        `site=nosuchsite&origin=${encodeURIComponent(t.site.origin)}`,
      ]) {
        const body = await (await t.get(`/auth/popup?${query}`, { origin: false })).text()
        expect(body, query).toContain('data-page="refused"')
        expect(body).not.toContain('data-origin')
      }
    })

    it('offers to continue as the account already signed in on Engawa', async () => {
      const t = await startApp(database())
      const { cookie } = await signUpAndVerify(t, undefined, 'Hana')
      const res = await fromEngawa(t, 'GET', `/auth/popup?site=${t.site.id}&origin=${encodeURIComponent(t.site.origin)}`, undefined, cookie)
      expect(await res.text()).toContain('Continue as <span data-name>Hana</span>')
    })

    it('serves the link landing page without the token ever reaching the server', async () => {
      const t = await startApp(database())
      const res = await t.get('/auth/confirm', { origin: false })
      expect(res.status).toBe(200)
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(await res.text()).toContain('data-page="confirm"')
    })
  })
})
