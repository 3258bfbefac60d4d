import { createServer } from 'node:http'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { createSite, type NewSite } from '../../src/sites/sites.ts'
import type { TestDatabase } from './backends.ts'
import { launchBrowser, listenOnLoopback, type BrowserHandle, type LoopbackServer } from './browser.ts'
import { serveEngawa, signUpOver } from './engawa-server.ts'

// An Engawa server on 127.0.0.1, a host page on 127.0.0.2 with the one line a site owner pastes,
// and a site that allows it: what every widget test starts from.

export interface Setup {
  engawa: LoopbackServer
  host: LoopbackServer
  site: string
  post(body: string, extra?: Record<string, unknown>): Promise<{ id: string }>
  /** `beforeOpen`: runs on the new page before it loads (routes to hold, scripts to add). */
  open(options?: { lang?: string; hash?: string; css?: string; attrs?: string; body?: string; session?: string; beforeOpen?: (page: Page) => Promise<unknown> }): Promise<Page>
  /** A widget session for a new account of this name, as the sign-in popup would give it. */
  readerToken(name: string): Promise<string>
}

export interface SetupOptions {
  live?: boolean
  maxCommentLength?: number
  site?: Partial<NewSite>
}

export const heading = (page: Page) => page.locator('#engawa h2').textContent()

/** What the page said to its console as errors (open() collects them from the start). */
export const consoleErrors = (page: Page) => (page as unknown as { errors: string[] }).errors

export async function setUpWidget(browser: BrowserHandle | undefined, database: TestDatabase, closers: Array<() => Promise<void>>, options: SetupOptions = {}): Promise<Setup> {
  const engawa = await serveEngawa(database, { live: options.live })
  closers.push(() => engawa.close())
  let html = ''
  // The host page is rebuilt per open(): a static article with the one line a site owner pastes.
  const pageServer = await serveHostPageDynamic(() => html)
  closers.push(() => pageServer.close())
  const site = await createSite(database.db, {
    name: 'Widget blog', origins: [pageServer.origin], maxCommentLength: options.maxCommentLength, authorPostsPerHour: 100_000, ...options.site,
  })
  return {
    engawa,
    host: pageServer,
    site: site.id,
    async post(body, extra = {}) {
      const res = await fetch(`${engawa.origin}/api/v1/sites/${site.id}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ thread: { url: `${pageServer.origin}/`, title: 'An article' }, author: { name: 'Seeder' }, body, ...extra }),
      })
      expect(res.status).toBe(201)
      return (await res.json()).comment
    },
    async open({ lang = 'en', hash = '', css = '', attrs = '', body, session, beforeOpen } = {}) {
      html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>An article</title><style>${css}</style></head>
<body>${body ?? `<h1>An article</h1><p>Some text.</p>
<script src="${engawa.origin}/embed.js" data-site="${site.id}" ${attrs} async></script>`}</body></html>`
      const page = (await browser?.newPage()) as Page
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.accept()
      })
      const errors: string[] = []
      page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())))
      Object.assign(page, { dialogs, errors })
      if (session) await page.addInitScript(({ key, token }) => localStorage.setItem(key, JSON.stringify(token)), { key: `engawa:${site.id}:session`, token: session })
      await beforeOpen?.(page)
      await page.goto(`${pageServer.origin}/${hash}`)
      return page
    },
    async readerToken(name) {
      const cookie = await signUpOver(engawa.origin, database, `${name.toLowerCase().replace(/\W/g, '')}-${crypto.randomUUID()}@mail.example`, name)
      const res = await fetch(`${engawa.origin}/api/v1/auth/widget-session`, {
        method: 'POST',
        headers: { origin: engawa.origin, 'content-type': 'application/json', cookie },
        body: JSON.stringify({ site: site.id, origin: pageServer.origin }),
      })
      expect(res.status).toBe(200)
      return (await res.json()).token
    },
  }
}

async function serveHostPageDynamic(html: () => string): Promise<LoopbackServer> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html()))
  return listenOnLoopback(server, '127.0.0.2')
}

/**
 * A widget test file's browser (launched before its tests, closed after) and its servers:
 * `setUp` starts them, `closeServers` stops them (call it in each backend's afterAll, before
 * the backend closes its database).
 */
export function widgetTests() {
  let browser: BrowserHandle | undefined
  const closers: Array<() => Promise<void>> = []
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })
  return {
    closers,
    setUp: (database: TestDatabase, options: SetupOptions = {}) => setUpWidget(browser, database, closers, options),
    async closeServers() {
      for (const close of closers.splice(0).reverse()) await close()
    },
  }
}
