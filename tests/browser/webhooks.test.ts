import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createSite } from '../../src/sites/sites.ts'
import { axeViolations } from '../helpers/axe.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability, launchBrowser, type BrowserHandle } from '../helpers/browser.ts'
import { problemsOf, signedInPage } from '../helpers/dashboard-browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'

// The Webhooks page as an owner uses it: add an endpoint, copy its secret (shown once), send a
// test, turn it off, delete it; axe-clean in light and dark and at 320 px, with no script error
// or CSP refusal.

let browser: BrowserHandle | undefined
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

forEachBackend((database) => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close()
  })

  describe.skipIf(!browserAvailability().available)('the Webhooks page in a browser', () => {
    it('adds an endpoint with its secret shown once, tests, turns off and deletes it, and passes axe', { timeout: 120_000 }, async () => {
        const engawa = await serveEngawa(database())
        closers.push(() => engawa.close())
        const db = database().db
        const site = await createSite(db, { name: 'Hooked blog', origins: ['https://blog.example'] })
        const email = `owner-${Date.now()}@mail.example`
        const cookie = await signUpOver(engawa.origin, database(), email, 'Owner')
        await setSiteRole(db, site.id, email, 'owner')

        const page = await signedInPage(browser, engawa.origin, cookie)
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: engawa.origin })
        const path = `${engawa.origin}/admin/sites/${site.id}/webhooks`
        const scan = async () => {
          for (const scheme of ['light', 'dark'] as const) {
            await page.emulateMedia({ colorScheme: scheme })
            expect(await axeViolations(page), scheme).toEqual([])
          }
          await page.emulateMedia({ colorScheme: 'light' })
        }

        await page.goto(`${engawa.origin}/admin/sites/${site.id}/settings`)
        await page.click('a[href$="/webhooks"]')
        await page.waitForURL(path)
        await scan()

        // Add one: the secret appears once, with a Copy button.
        await page.fill('[name=url]', 'https://93.184.216.34/engawa')
        await page.uncheck('[name=events][value="comment.edited"]')
        await page.fill('[name=description]', 'Chat relay')
        await page.click('#webhook-form button[type=submit]')
        await expect.poll(() => page.locator('#secret-box').isVisible()).toBe(true)
        const secret = (await page.locator('#webhook-secret').textContent()) ?? ''
        expect(secret).toMatch(/^whsec_/)
        await scan()
        await page.click('button[data-copy="webhook-secret"]')
        await expect.poll(() => page.locator('#copy-status').textContent()).toBe('Copied')
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)
        const stored = await db.selectFrom('webhooks').select(['events', 'description']).where('site_id', '=', site.id).executeTakeFirstOrThrow()
        expect(stored).toEqual({ events: ['comment.created', 'comment.moderated', 'report.created'], description: 'Chat relay' })

        // Done: the list shows it, and never the secret again.
        await page.click('#secret-done')
        await page.waitForSelector('[data-webhook]')
        expect(await page.content()).not.toContain(secret)
        const webhook = await db.selectFrom('webhooks').select('id').where('site_id', '=', site.id).executeTakeFirstOrThrow()
        await db
          .insertInto('webhook_attempts')
          .values({
            site_id: site.id, webhook_id: webhook.id, delivery_id: crypto.randomUUID(), event_type: 'webhook.test', attempt: 1,
            attempted_at: new Date(), status_code: 200, error: null, response_excerpt: 'ok', duration_ms: 12, outcome: 'delivered', next_attempt_at: null,
          })
          .execute()
        await page.reload()
        await scan()

        await page.click('[data-hook-act=test]')
        await expect.poll(() => page.locator('#announce').textContent()).toContain('Test event queued')
        expect(await db.selectFrom('webhook_deliveries').select('event_type').where('site_id', '=', site.id).execute()).toEqual([{ event_type: 'webhook.test' }])

        await page.click('[data-hook-act=toggle]')
        await expect.poll(() => page.locator('[data-field=state]').textContent()).toBe('Off')
        expect((await db.selectFrom('webhooks').select('enabled').where('site_id', '=', site.id).executeTakeFirstOrThrow()).enabled).toBe(false)

        await page.setViewportSize({ width: 320, height: 700 })
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320)
        await page.setViewportSize({ width: 1000, height: 900 })

        page.once('dialog', (d) => void d.accept())
        await page.click('[data-hook-act=delete]')
        await expect.poll(() => page.locator('[data-webhook]').count()).toBe(0)
        expect(await db.selectFrom('webhooks').select('id').where('site_id', '=', site.id).execute()).toEqual([])
        expect(problemsOf(page)).toEqual([])
      })
  })
})
