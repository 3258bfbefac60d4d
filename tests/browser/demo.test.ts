import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, type Violation } from '../helpers/axe.ts'
import { forEachBackend, type TestDatabase } from '../helpers/backends.ts'
import { browserAvailability, launchBrowser, type BrowserHandle, type LoopbackServer } from '../helpers/browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'

// The demo article as a new user first sees it: an accessibility scan (axe-core) in light and
// dark, signed out and signed in, and the screenshots the README shows.
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname

let browser: BrowserHandle | undefined
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

async function seriousViolations(page: Page): Promise<Violation[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

async function widgetToken(engawa: LoopbackServer, database: TestDatabase): Promise<string> {
  const cookie = await signUpOver(engawa.origin, database, `axe-${Date.now()}@mail.example`, 'Reader')
  const res = await fetch(`${engawa.origin}/api/v1/auth/widget-session`, {
    method: 'POST',
    headers: { origin: engawa.origin, 'content-type': 'application/json', cookie },
    body: JSON.stringify({ site: 'demo', origin: engawa.origin }),
  })
  return (await res.json()).token
}

forEachBackend((database, backend) => {
  const servers: LoopbackServer[] = []
  afterAll(async () => {
    for (const server of servers) await server.close()
  })

  describe.skipIf(!browserAvailability().available)('the demo article', () => {
    it('has no serious or critical accessibility violation, light and dark, signed out and signed in', async () => {
      const engawa = await serveEngawa(database(), { demo: true })
      servers.push(engawa)
      const page = (await browser?.newPage()) as Page
      await page.setViewportSize({ width: 900, height: 1100 })
      const open = async () => {
        await page.goto(`${engawa.origin}/demo`)
        await expect.poll(() => page.locator('#engawa h2').textContent()).toMatch(/^\d+ comments$/)
      }
      await open()
      const shoot = async (name: string) => {
        if (backend !== 'pglite') return
        await page.evaluate(() => document.querySelector('.comments')?.scrollIntoView())
        await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, clip: { x: 0, y: 0, width: 900, height: 1100 } })
      }
      await shoot('demo-light')
      expect(await seriousViolations(page)).toEqual([])
      await page.click('#theme')
      await expect.poll(() => page.locator('#engawa section').getAttribute('class')).toBe('e dark')
      await shoot('demo-dark')
      expect(await seriousViolations(page)).toEqual([])

      const token = await widgetToken(engawa, database())
      await page.evaluate((t) => localStorage.setItem('engawa:demo:session', JSON.stringify(t)), token)
      await open()
      await expect.poll(() => page.locator('#engawa section').textContent()).toContain('Signed in as Reader')
      expect(await seriousViolations(page)).toEqual([])
      await page.click('#theme')
      expect(await seriousViolations(page)).toEqual([])
    })

    it("follows the reader's system dark mode, live, until the page's own switch is pressed", async () => {
      const engawa = await serveEngawa(database(), { demo: true })
      servers.push(engawa)
      const page = (await browser?.newPage()) as Page
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.goto(`${engawa.origin}/demo`)
      const widget = page.locator('#engawa section')
      await expect.poll(() => widget.getAttribute('class')).toBe('e dark')
      expect(await page.locator('#theme').textContent()).toBe('Light page')
      await page.emulateMedia({ colorScheme: 'light' })
      await expect.poll(() => widget.getAttribute('class')).toBe('e')
      await page.click('#theme')
      await expect.poll(() => widget.getAttribute('class')).toBe('e dark')
      // The reader chose: the system no longer decides.
      await page.emulateMedia({ colorScheme: 'light' })
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.emulateMedia({ colorScheme: 'light' })
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true)
    })

    it('paints the first page after one script request and one API request', async () => {
      const engawa = await serveEngawa(database(), { demo: true })
      servers.push(engawa)
      const page = (await browser?.newPage()) as Page
      await page.goto(`${engawa.origin}/demo`)
      await expect.poll(() => page.evaluate(() => performance.getEntriesByName('engawa:painted').length)).toBe(1)
      const before = await page.evaluate(() => {
        const painted = performance.getEntriesByName('engawa:painted')[0]?.startTime ?? 0
        return performance
          .getEntriesByType('resource')
          .filter((r) => r.startTime < painted && /\/(embed\.js|api\/)/.test(r.name))
          .map((r) => new URL(r.name).pathname)
      })
      expect(before).toEqual(['/embed.js', '/api/v1/sites/demo/thread'])
      // The install check counts it, though a page's read of its own origin carries no Origin.
      await engawa.flushLoads()
      const loads = await database().db.selectFrom('widget_loads').select(['origin', 'allowed', 'page']).where('site_id', '=', 'demo').execute()
      expect(loads).toEqual([{ origin: engawa.origin, allowed: true, page: expect.any(String) }])
    })
  })
})
