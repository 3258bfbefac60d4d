import { createServer } from 'node:http'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import { createSite } from '../../src/sites/sites.ts'
import { browserAvailability, HOST_PAGE_ADDRESS, launchBrowser, listenOnLoopback, signUpInPopup, type BrowserHandle, type LoopbackServer } from '../helpers/browser.ts'
import { copyTemplateDatabase, hasPostgres } from '../helpers/server-database.ts'
import { heading } from '../helpers/widget-page.ts'
import { startWranglerDev, type WranglerDev } from '../helpers/wrangler-dev.ts'

// The whole reader's side on Workers, as deployed (wrangler dev with the project's
// wrangler.toml): an article on another origin embeds the widget from the worker's assets, with
// third-party cookies blocked; a guest posts, a reader signs up through the popup, and a second
// reader's page hears of the first page's comment and reply live, through the thread's object.
describe.skipIf(!browserAvailability().available)('the widget on Workers', { timeout: 240_000 }, () => {
  const postgres = inject('postgres')
  if (!hasPostgres(postgres)) return
  let worker: WranglerDev | undefined
  let host: LoopbackServer | undefined
  let browser: BrowserHandle | undefined
  let db: Kysely<Database> | undefined
  let drop = async () => {}
  let html = ''
  beforeAll(async () => {
    const copy = await copyTemplateDatabase(postgres, 'workers_browser')
    drop = copy.drop
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 2 }) }) })
    host = await listenOnLoopback(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)), HOST_PAGE_ADDRESS)
    const site = await createSite(db, { name: 'Edge blog', origins: [host.origin] })
    worker = await startWranglerDev(copy.url)
    html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>On the edge</title></head>
<body><h1>On the edge</h1><p>An article.</p><script src="${worker.url}/embed.js" data-site="${site.id}" data-poll-seconds="600" async></script></body></html>`
    browser = await launchBrowser()
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    await worker?.stop()
    await host?.close()
    await db?.destroy()
    await drop()
  })

  const open = async () => {
    const page = (await browser?.newPage()) as Page
    await page.goto(`${host?.origin}/article`)
    return page
  }

  it('loads the widget from the deployed assets; a guest posts, a reader signs up in the popup, another page sees their comment and reply live, and they sign in there', async () => {
    const first = await open()
    await expect.poll(() => heading(first)).toBe('0 comments')
    await first.fill('#engawa input[name=name]', 'Aki')
    await first.fill('#engawa textarea', 'A guest on the edge')
    await first.click('#engawa button:text("Post comment")')
    await expect.poll(() => heading(first)).toBe('1 comment')

    const email = `edge-${Date.now()}@mail.example`
    const [popup] = await Promise.all([first.waitForEvent('popup'), first.click('#engawa button:text("Sign in")')])
    await signUpInPopup(popup, 'Hana Edge', email)
    const mail = await db?.selectFrom('outbox_mails').select('body_text').where('to_address', '=', email).executeTakeFirstOrThrow()
    const link = /(http\S+#verify=[a-z0-9.]+)/.exec(mail?.body_text ?? '')?.[1] ?? ''
    expect(link.startsWith(`${worker?.url}/auth/confirm#verify=`)).toBe(true)
    const tab = await popup.context().newPage()
    await tab.goto(link)
    await tab.click('text=Confirm and sign in')
    await tab.waitForSelector('text=You are signed in')
    await popup.click('button:text("Continue as Hana Edge")')
    await expect.poll(() => first.locator('#engawa section').textContent()).toContain('Signed in as Hana Edge')

    // A second reader, already reading, hears of what the first writes: live, not by polling
    // (the page polls every ten minutes, were its stream refused).
    const second = await open()
    await expect.poll(() => heading(second)).toBe('1 comment')
    await first.locator('#engawa textarea').first().fill('Signed in, on Workers')
    await first.locator('#engawa button:text("Post comment")').first().click()
    await expect.poll(() => heading(first)).toBe('2 comments')
    await first.locator('#engawa li:has-text("A guest on the edge") button:text("Reply")').first().click()
    await first.fill('#engawa li textarea', 'A reply, live')
    await first.click('#engawa li button:text("Post reply")')
    const notice = second.locator('#engawa button.new')
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toBe('Show 2 new comments')
    await notice.click()
    await expect.poll(() => heading(second)).toBe('3 comments')
    expect(await second.locator('#engawa li li .body').allTextContents()).toEqual(['A reply, live'])

    // The same reader signs in on the other page with the password: verified in workerd.
    const [login] = await Promise.all([second.waitForEvent('popup'), second.click('#engawa button:text("Sign in")')])
    await login.fill('[data-view=login] input[name=email]', email)
    await login.fill('[data-view=login] input[name=password]', 'correct horse battery staple')
    await login.click('button:text("Sign in")')
    await expect.poll(() => second.locator('#engawa section').textContent()).toContain('Signed in as Hana Edge')
  })
})
