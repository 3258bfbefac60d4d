import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations } from '../helpers/axe.ts'
import { browserAvailability, launchBrowser, serveHostPage, type BrowserHandle } from '../helpers/browser.ts'
import { startServer, type RunningServer } from '../helpers/processes.ts'

// A new site owner's first hour, as they live it: the server started on an empty data folder, the
// setup link from its log, the first admin, a new site, the embed on a page of another origin, a
// comment, the install check, a refused origin allowed with one click, the origin list edited.
// Its screenshots are the README's.
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname
const dataDir = mkdtempSync(join(tmpdir(), 'engawa-first-hour-'))
const closers: Array<() => Promise<unknown>> = []
let browser: BrowserHandle | undefined
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  for (const close of closers.reverse()) await close()
  await browser?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function violations(page: Page) {
  return (await axeViolations(page)).map((v) => ({ id: v.id, help: v.help, targets: JSON.stringify(v.nodes.map((n) => n.target)) }))
}

/** A page that keeps every script error and failed request of Engawa's own origin. */
async function watchedPage(engawa: string): Promise<Page & { problems: string[] }> {
  const page = (await browser?.newPage()) as Page
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(engawa) && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`)
  })
  return Object.assign(page, { problems })
}

const hostPage = (snippet: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My first post</title></head>
<body><main><h1>My first post</h1><p>Something worth discussing.</p>${snippet}</main></body></html>`

describe.skipIf(!browserAvailability().available)('a site owner’s first hour, in a browser', () => {
  it('goes from the setup link in the log to comments on the owner’s own page, with the install check and origins', { timeout: 240_000 }, async () => {
    const server: RunningServer = await startServer({ DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '' })
    closers.push(() => server.stop('SIGKILL'))
    // Said right after "listening", the last line of the start.
    const setupLine = () => /"message":"setup is waiting[^"]*","url":"([^"]+)"/.exec(server.stderr())?.[1]
    await expect.poll(setupLine, { timeout: 30_000 }).toBeTruthy()
    const link = setupLine()

    // 1. The setup link: the first admin, signed in, on the dashboard. The home page says setup waits.
    const page = await watchedPage(server.url)
    await page.goto(`${server.url}/`)
    expect(await page.locator('h1').textContent()).toBe('Engawa is running; setup is waiting')
    expect(await violations(page)).toEqual([])
    await page.goto(link as string)
    await page.setViewportSize({ width: 900, height: 640 })
    expect(await violations(page)).toEqual([])
    await page.getByLabel('Your email address').fill('owner@blog.example')
    await page.getByLabel('Your name, as readers see it').fill('Olive Owner')
    await page.getByLabel('Choose a password').fill('a long phrase of my own')
    await page.screenshot({ path: `${SCREENSHOTS}first-hour-setup.png` })
    await page.getByRole('button', { name: 'Create the administrator' }).click()
    // The next step opens by itself: the first site.
    await page.waitForURL(`${server.url}/admin/sites/new`)
    expect((await fetch(link as string)).status).toBe(404)
    // The home page now points the way in.
    await page.goto(`${server.url}/`)
    expect(await page.getByRole('link', { name: 'The dashboard' }).getAttribute('href')).toBe('/admin')
    expect(await violations(page)).toEqual([])
    await page.goto(`${server.url}/admin/sites/new`)

    // 2. A new site, on the origin of the owner's blog; its overview opens on the embed code.
    const blogFiles = { '/index.html': '' }
    const blog = await serveHostPage(blogFiles)
    closers.push(() => blog.close())
    expect(await violations(page)).toEqual([])
    await page.getByLabel('Name, as readers and moderators see it').fill('My blog')
    await page.getByLabel(/Where its pages are/).fill(`${blog.origin}\n`)
    await page.screenshot({ path: `${SCREENSHOTS}first-hour-new-site.png` })
    await page.getByRole('button', { name: 'Create the site' }).click()
    await page.waitForURL(/\/admin\/sites\/[a-z2-9]{10}\?new$/)
    const siteId = /sites\/([a-z2-9]{10})/.exec(page.url())?.[1] as string
    const snippet = (await page.locator('#snippet').textContent()) as string
    expect(snippet).toContain(`src="${server.url}/embed.js" data-site="${siteId}"`)
    expect(await page.locator('#install-check').textContent()).toContain('has not loaded on an allowed page')
    expect(await violations(page)).toEqual([])

    // 3. The embed on the blog's page (another origin, third-party cookies blocked): a comment.
    blogFiles['/index.html'] = hostPage(snippet)
    const reader = (await browser?.newPage()) as Page
    await reader.goto(`${blog.origin}/`)
    await expect.poll(() => reader.locator('#engawa h2').textContent()).toBe('0 comments')
    await reader.fill('#engawa input[name=name]', 'Aki')
    await reader.fill('#engawa textarea', 'First!')
    await reader.click('#engawa button:text("Post comment")')
    await expect.poll(() => reader.locator('#engawa h2').textContent()).toBe('1 comment')

    // 4. The install check shows the page; a page on an origin not allowed is shown as refused.
    const wwwBlog = await serveHostPage({ '/index.html': hostPage(snippet) })
    closers.push(() => wwwBlog.close())
    const refusedReader = await browser?.newPage() as Page
    await refusedReader.goto(`${wwwBlog.origin}/`)
    await refusedReader.locator('#engawa :text("Comments cannot be shown on this page")').waitFor()
    // Only why: no sign-in, composer or sort offered where nothing can work.
    expect(await refusedReader.locator('#engawa button, #engawa select, #engawa textarea').count()).toBe(0)
    await expect
      .poll(async () => {
        await page.goto(`${server.url}/admin/sites/${siteId}`)
        return page.locator('#install-check').textContent()
      }, { timeout: 60_000, interval: 1000 })
      .toMatch(new RegExp(`${wwwBlog.origin.replace(/\./g, '\\.')} tried to load comments 1 time, but is not allowed.*${blog.origin.replace(/\./g, '\\.')}`, 's'))
    expect(await page.locator('#install-check table').textContent()).toContain(`${blog.origin}/`)
    expect(await violations(page)).toEqual([])
    await page.locator('#install-check').screenshot({ path: `${SCREENSHOTS}first-hour-install-check.png` })

    // 5. "Allow it": one click, and the refused page shows the comments.
    await page.getByRole('button', { name: `Allow it (${wwwBlog.origin})` }).click()
    await expect.poll(() => page.locator('#install-check').textContent()).toContain(`${wwwBlog.origin} is allowed now`)
    // The embed code's note names it too, without a reload.
    expect(await page.locator('#embed-title + p').textContent()).toContain(`Pages may be on ${blog.origin}, ${wwwBlog.origin}.`)
    // Sites are cached for up to a second: a reload right away may still find the old list.
    await expect
      .poll(async () => {
        await refusedReader.reload()
        return refusedReader.locator('#engawa h2').textContent()
      }, { timeout: 30_000, interval: 1000 })
      .toBe('0 comments')

    // 6. The origin list, edited in the settings: removing the blog's origin (it has a thread)
    // asks first; cancelled, nothing changes; adding one saves at once.
    await page.goto(`${server.url}/admin/sites/${siteId}/settings`)
    const origins = page.locator('#origins-form textarea')
    expect((await origins.inputValue()).split('\n')).toEqual([blog.origin, wwwBlog.origin])
    await origins.fill(`${wwwBlog.origin}\n`)
    await page.getByRole('button', { name: 'Save the origins' }).click()
    await expect.poll(() => page.locator('#confirm-text').textContent()).toContain(`${blog.origin} has 1 thread`)
    expect(await violations(page)).toEqual([])
    await page.getByRole('button', { name: 'Cancel' }).click()
    await origins.fill(`${blog.origin}\n${wwwBlog.origin}\nhttps://blog.example\n`)
    await page.getByRole('button', { name: 'Save the origins' }).click()
    await expect.poll(() => page.locator('#announce').textContent()).toBe('Origins saved.')
    const site = await page.evaluate(async (id) => (await fetch(`/api/v1/admin/sites/${id}/settings`)).json(), siteId)
    expect(site.name).toBe('My blog')
    await page.reload()
    expect((await origins.inputValue()).split('\n')).toEqual([blog.origin, wwwBlog.origin, 'https://blog.example'])

    // 7. Deleting the site: the button waits for the name typed; then everything goes, and the
    // dashboard opens on what is left.
    const remove = page.getByRole('button', { name: 'Delete My blog' })
    expect(await remove.isDisabled()).toBe(true)
    await page.getByLabel(/Type the site’s name/).fill('My blo')
    expect(await remove.isDisabled()).toBe(true)
    await page.getByLabel(/Type the site’s name/).fill('My blog')
    await remove.click()
    await page.waitForURL(`${server.url}/admin`)
    expect((await page.goto(`${server.url}/admin/sites/${siteId}`))?.status()).toBe(404)
    // (Pages and sites are cached for up to a second.)
    await expect
      .poll(async () => {
        await reader.reload()
        await reader.locator('#engawa h2').waitFor()
        return reader.locator('#engawa :text("Comments cannot be shown on this page")').count()
      }, { timeout: 30_000, interval: 1000 })
      .toBe(1)
    // The refusals: the 409 that asked to confirm removing an origin with threads, and the deleted site's page.
    expect(page.problems).toEqual([`409 ${server.url}/api/v1/admin/sites/${siteId}/origins`, `404 ${server.url}/admin/sites/${siteId}`])
  })
})
