import { createServer } from 'node:http'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createSite } from '../../src/sites/sites.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability, HOST_PAGE_ADDRESS, launchBrowser, listenOnLoopback, type BrowserHandle } from '../helpers/browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'

// A host page that allows as little as a careful site does: scripts and connections to Engawa
// only, no inline styles, and Trusted Types enforced. The widget must render there, styled, with
// readers able to tell who wrote what and where a link goes.

let browser: BrowserHandle | undefined
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** The header README.md gives site owners, for Engawa at `engawa`. */
const strictPolicy = (engawa: string, trustedTypes: string) =>
  `default-src 'none'; script-src ${engawa}; connect-src ${engawa}; style-src 'self'; img-src 'self'; ` +
  `require-trusted-types-for 'script'; trusted-types ${trustedTypes}`

forEachBackend((database) => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close()
  })

  describe.skipIf(!browserAvailability().available)('the widget on a page with a strict CSP and Trusted Types', () => {
    async function setUp(trustedTypes: string) {
      const engawa = await serveEngawa(database())
      closers.push(engawa.close)
      let siteId = ''
      const host = await listenOnLoopback(
        createServer((_req, res) =>
          res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': strictPolicy(engawa.origin, trustedTypes) })
            .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict</title></head>
<body><h1>A careful site</h1><script src="${engawa.origin}/embed.js" data-site="${siteId}" async></script></body></html>`),
        ),
        HOST_PAGE_ADDRESS,
      )
      closers.push(host.close)
      siteId = (await createSite(database().db, { name: 'Strict blog', origins: [host.origin] })).id
      const cookie = await signUpOver(engawa.origin, database(), `mina-${siteId}@mail.example`, 'Mina Moderator')
      await setSiteRole(database().db, siteId, `mina-${siteId}@mail.example`, 'moderator')
      const post = (body: string, headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
        fetch(`${engawa.origin}/api/v1/sites/${siteId}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ thread: { url: `${host.origin}/` }, body, ...extra }),
        })
      const widgetToken = await (await fetch(`${engawa.origin}/api/v1/auth/widget-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: engawa.origin, cookie },
        body: JSON.stringify({ site: siteId, origin: host.origin }),
      })).json()
      expect((await post('From the **moderator**', { authorization: `Bearer ${widgetToken.token}` })).status).toBe(201)
      const guest = await post('Log in at [https://127.0.0.2/safe](http://127.0.0.1:1/evil)', {}, { author: { name: 'Aki\u202Eevil' } })
      expect(guest.status).toBe(201)
      const page = (await browser?.newPage()) as Page
      const violations: string[] = []
      await page.exposeFunction('reportViolation', (v: string) => violations.push(v))
      await page.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)),
      )
      await page.goto(`${host.origin}/`)
      await expect.poll(() => page.locator('#engawa h2').textContent()).toBe('2 comments')
      return { page, violations }
    }

    it('renders styled, inserts comment HTML through its own policy, and shows who wrote what and where a link goes', async () => {
      const { page, violations } = await setUp('engawa')
      const comments = page.locator('#engawa section > div > ol > li')
      // Styled by a constructed stylesheet: the name is bold, the badge has its border.
      expect(await comments.first().locator('.au').evaluate((el) => getComputedStyle(el).fontWeight)).toBe('700')
      expect(await comments.first().locator('.bd').textContent()).toBe('Moderator')
      expect(await comments.first().locator('.body strong').textContent()).toBe('moderator')
      // The guest is marked as one; the name is isolated and its bidi control was dropped at input.
      const guest = comments.nth(1)
      expect(await guest.locator('header .to').first().textContent()).toBe('guest')
      expect(await guest.locator('bdi.au').textContent()).toBe('Akievil')
      expect(await guest.locator('.body').textContent()).toBe('Log in at https://127.0.0.2/safe (127.0.0.1:1)')
      expect(await guest.locator('.body a').getAttribute('href')).toBe('http://127.0.0.1:1/evil')
      // The composer, a module of its own, previews through the same one policy (a second one
      // named engawa would be refused), and comments drawn after it still get theirs.
      await page.fill('#engawa input[name=name]', 'Ren')
      await page.fill('#engawa textarea', 'A **previewed** reply')
      await page.click('#engawa button:text("Preview")')
      await expect.poll(() => page.locator('#engawa .pv strong').textContent()).toBe('previewed')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => comments.nth(2).locator('.body strong').textContent()).toBe('previewed')
      expect(violations).toEqual([])
    })

    it('still shows the comments’ text where the page allows no policy of Engawa’s', async () => {
      const { page } = await setUp('some-other-policy')
      const body = page.locator('#engawa section > div > ol > li .body').first()
      await expect.poll(() => body.textContent()).toBe('From the moderator')
      expect(await body.locator('strong').count()).toBe(0)
    })
  })
})
