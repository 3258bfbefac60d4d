import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createTempUploads } from '../../src/import/temp-uploads.ts'
import { createSite } from '../../src/sites/sites.ts'
import { axeViolations } from '../helpers/axe.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability, launchBrowser, type BrowserHandle } from '../helpers/browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'

// The import page as an owner meets it: choose the format and the file, watch the upload and
// the import, read the summary; axe-clean before and after, nothing refused by the CSP.
let browser: BrowserHandle | undefined
const uploadDir = mkdtempSync(join(tmpdir(), 'engawa-browser-uploads-'))
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  rmSync(uploadDir, { recursive: true, force: true })
})

async function violations(page: Page) {
  return (await axeViolations(page)).map((v) => ({ id: v.id, help: v.help, targets: JSON.stringify(v.nodes.map((n) => n.target)) }))
}

forEachBackend((database) => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close()
  })

  describe.skipIf(!browserAvailability().available)('the import page in a browser', () => {
    it('uploads an export with progress, follows the import and shows its summary', { timeout: 90_000 }, async () => {
      const uploads = createTempUploads(uploadDir)
      const engawa = await serveEngawa(database(), { imports: uploads })
      closers.push(() => engawa.close())
      const site = await createSite(database().db, { name: 'Moving blog', origins: ['https://blog.example'] })
      const email = `owner-${Date.now()}@mail.example`
      const cookie = await signUpOver(engawa.origin, database(), email, 'Oda')
      await setSiteRole(database().db, site.id, email, 'owner')

      const page = (await browser?.newPage()) as Page
      const problems: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text())
      })
      page.on('pageerror', (e) => problems.push(e.message))
      const [name = '', value = ''] = cookie.split('=')
      await page.context().addCookies([{ name, value, url: engawa.origin, httpOnly: true, sameSite: 'Lax' }])

      await page.goto(`${engawa.origin}/admin/sites/${site.id}/settings`)
      await page.getByRole('link', { name: /Import comments/ }).click()
      await page.waitForURL(/\/import$/)
      expect(await violations(page)).toEqual([])
      await expect.poll(() => page.getByText('None yet.').isVisible()).toBe(true)

      await page.getByLabel('Format').selectOption('disqus')
      await page.getByLabel(/Export file/).setInputFiles('tests/fixtures/imports/disqus-blog.xml')
      await page.getByLabel(/Old addresses/).fill('http://old-blog.example=https://blog.example')
      await page.getByRole('button', { name: 'Upload and import' }).click()
      await expect.poll(() => page.locator('#announce').textContent(), { timeout: 30_000 }).toMatch(/Import finished: 11 comments in 3 threads; 1 skipped/)
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('runs-title')
      const run = page.locator('#import-runs .record').first()
      expect(await run.textContent()).toContain('disqus-blog.xml')
      expect(await run.textContent()).toContain('11 comments imported (9 published, 1 removed, 1 spam)')
      await run.getByText('Skipped 1').click()
      expect(await run.textContent()).toContain('The thread has no comments')
      expect(await violations(page)).toEqual([])

      // A file of another format: the refusal is shown where problems are, and nothing is added.
      await page.getByLabel(/Export file/).setInputFiles('tests/fixtures/imports/wordpress-blog.xml')
      await page.getByRole('button', { name: 'Upload and import' }).click()
      await expect.poll(() => page.locator('#problem').textContent()).toContain('This is not a Disqus export')
      expect(problems.filter((p) => !p.includes('422'))).toEqual([])
      await uploads.idle()
      expect(readdirSync(uploadDir)).toEqual([])
      await page.close()
    })

    it('is for owners: a moderator is refused', { timeout: 60_000 }, async () => {
      const engawa = await serveEngawa(database(), { imports: createTempUploads(uploadDir) })
      closers.push(() => engawa.close())
      const site = await createSite(database().db, { name: 'Other blog', origins: ['https://blog.example'] })
      const email = `mod-${Date.now()}@mail.example`
      const cookie = await signUpOver(engawa.origin, database(), email, 'Mori')
      await setSiteRole(database().db, site.id, email, 'moderator')
      const res = await fetch(`${engawa.origin}/admin/sites/${site.id}/import`, { headers: { cookie } })
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('Only owners can import')
    })
  })
})
