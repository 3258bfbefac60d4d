import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createSite } from '../../src/sites/sites.ts'
import { axeViolations } from '../helpers/axe.ts'
import { forEachBackend, type TestDatabase } from '../helpers/backends.ts'
import { browserAvailability, launchBrowser, type BrowserHandle, type LoopbackServer } from '../helpers/browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'
import { problemsOf, signedInPage as openSignedIn } from '../helpers/dashboard-browser.ts'

// The moderation dashboard as a moderator meets it: driven by the keyboard alone, scanned by
// axe-core in light and dark, squeezed to 320 px, and photographed for the README.
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname
const ARTICLE = 'https://blog.example/posts/keyboards'

let browser: BrowserHandle | undefined
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** Every axe violation on the page, in a form a failing assertion prints readably. */
async function violations(page: Page): Promise<Array<{ id: string; help: string; targets: string }>> {
  return (await axeViolations(page)).map((v) => ({ id: v.id, help: v.help, targets: JSON.stringify(v.nodes.map((n) => n.target)) }))
}

interface Seeded {
  engawa: LoopbackServer
  site: string
  cookie: string
  db: TestDatabase['db']
  post(body: string, extra?: Record<string, unknown>): Promise<string>
  /** A JSON API call from a page of Engawa, as the moderator. */
  api(method: string, path: string, body?: unknown): Promise<Response>
}

async function setUp(database: TestDatabase, closers: Array<() => Promise<void>>): Promise<Seeded> {
  const engawa = await serveEngawa(database)
  closers.push(() => engawa.close())
  // Comments with "hold" in them wait for approval; the others are published at once.
  const site = await createSite(database.db, { name: 'Keyboard blog', origins: ['https://blog.example'], blockedWords: ['hold'] })
  const email = `mod-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@mail.example`
  const cookie = await signUpOver(engawa.origin, database, email, 'Keiko')
  await setSiteRole(database.db, site.id, email, 'moderator')
  return {
    engawa,
    site: site.id,
    cookie,
    db: database.db,
    async post(body, extra = {}) {
      const res = await fetch(`${engawa.origin}/api/v1/sites/${site.id}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ thread: { url: ARTICLE, title: 'Typing without a mouse' }, author: { name: 'Seeder' }, body, ...extra }),
      })
      expect(res.status).toBe(201)
      return (await res.json()).comment.id
    },
    api: (method, path, body) =>
      fetch(`${engawa.origin}/api/v1${path}`, {
        method,
        headers: { origin: engawa.origin, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  }
}

async function report(s: Seeded, id: string, text: string) {
  const res = await fetch(`${s.engawa.origin}/api/v1/sites/${s.site}/comments/${id}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'abuse', text }),
  })
  expect(res.status).toBe(201)
}

/** A page signed in as the moderator. */
const signedInPage = (s: Seeded) => openSignedIn(browser, s.engawa.origin, s.cookie)

async function statusOf(s: Seeded, id: string) {
  return s.db.selectFrom('comments').select(['status', 'moderation_reason', 'reason_public']).where('id', '=', id).executeTakeFirstOrThrow()
}

async function queueIds(s: Seeded): Promise<string[]> {
  const res = await fetch(`${s.engawa.origin}/api/v1/moderation/sites/${s.site}/queue`, { headers: { cookie: s.cookie } })
  expect(res.status).toBe(200)
  return (await res.json()).items.map((i: { comment: { id: string } }) => i.comment.id)
}

const selectedId = (page: Page) => page.evaluate(() => (document.activeElement?.closest('.item') as HTMLElement | null)?.dataset.id ?? null)
const announced = (page: Page) => page.locator('#announce').textContent()

forEachBackend((database, backend) => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close()
  })

  describe.skipIf(!browserAvailability().available)('the moderation dashboard in a browser', () => {
    it('moderates by keyboard alone: j/k, approve, hide with a reason, spam, select, help', { timeout: 60_000 }, async () => {
      const s = await setUp(database(), closers)
      // Newest first on the page: waits, spam, reported, approve.
      const approveMe = await s.post('Please hold this one, then approve it')
      const reported = await s.post('A published comment that readers reported')
      await report(s, reported, 'Rude to other readers')
      const spamMe = await s.post('hold: cheap watches at example.com')
      const waits = await s.post('Hold on: *that* is not what the article says.', { parentId: reported, author: { name: 'Reiko' } })
      const page = await signedInPage(s)
      await page.setViewportSize({ width: 1200, height: 1000 })
      await page.goto(`${s.engawa.origin}/admin`)
      const items = page.locator('#queue .item')
      expect(await items.count()).toBe(4)
      expect(await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id))).toEqual([waits, spamMe, reported, approveMe])
      // Times turn relative; the exact one stays in datetime.
      await expect.poll(() => page.locator('#queue time').first().textContent()).toMatch(/now|second|minute/)

      await page.keyboard.press('j')
      expect(await selectedId(page)).toBe(waits)
      if (backend === 'pglite') await page.screenshot({ path: `${SCREENSHOTS}admin-queue.png`, fullPage: false })
      for (const key of ['j', 'j', 'j', 'j']) await page.keyboard.press(key)
      expect(await selectedId(page)).toBe(approveMe)
      expect(await page.locator(`.item[data-id="${approveMe}"]`).getAttribute('class')).toContain('selected')
      // In view, with a visible focus ring.
      expect(await page.locator(`.item[data-id="${approveMe}"]`).isVisible()).toBe(true)
      expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).toBe('solid')
      // Modifier keys belong to the browser and the screen reader.
      await page.keyboard.press('Alt+a')
      await page.keyboard.press('Control+a')
      expect((await statusOf(s, approveMe)).status).toBe('pending')

      await page.keyboard.press('a')
      await expect.poll(() => page.locator(`.item[data-id="${approveMe}"]`).count()).toBe(0)
      expect((await statusOf(s, approveMe)).status).toBe('published')
      expect(await queueIds(s)).not.toContain(approveMe)
      await expect.poll(() => announced(page)).toBe('Approved the comment by Seeder.')
      expect(await page.locator(`.item[data-id="${waits}"] .parent`).textContent()).toContain('A published comment that readers reported')
      // The selection moves to the neighbour: the reported one.
      expect(await selectedId(page)).toBe(reported)

      await page.keyboard.press('h')
      const dialog = page.locator('#hide-dialog')
      await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true)
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('hide-reason')
      // Typing in the reason fires no shortcut (the text is full of a, h, s, j and k).
      await page.keyboard.type('Harsh and a jab at others, so it goes')
      await page.keyboard.press('Tab')
      await page.keyboard.press('Space')
      await page.keyboard.press('Tab')
      await page.keyboard.press('Tab')
      await page.keyboard.press('Enter')
      await expect.poll(() => page.locator(`.item[data-id="${reported}"]`).count()).toBe(0)
      expect(await statusOf(s, reported)).toEqual({ status: 'hidden', moderation_reason: 'Harsh and a jab at others, so it goes', reason_public: true })
      expect((await statusOf(s, spamMe)).status).toBe('pending')
      expect((await statusOf(s, waits)).status).toBe('pending')
      expect(await selectedId(page)).toBe(spamMe)

      await page.keyboard.press('s')
      await expect.poll(() => page.locator(`.item[data-id="${spamMe}"]`).count()).toBe(0)
      expect((await statusOf(s, spamMe)).status).toBe('spam')
      await expect.poll(() => announced(page)).toBe('Marked the comment by Seeder as spam.')
      expect(await selectedId(page)).toBe(waits)

      await page.keyboard.press('x')
      expect(await page.locator(`.item[data-id="${waits}"] .pick`).isChecked()).toBe(true)
      expect(await page.locator('#picked').textContent()).toBe('1 selected')
      expect(await page.locator('[data-bulk="approve"]').isEnabled()).toBe(true)

      await page.keyboard.press('?')
      const help = page.locator('#help-dialog')
      await expect.poll(() => help.isVisible()).toBe(true)
      expect(await help.textContent()).toContain('Ban the author')
      await page.keyboard.press('Escape')
      await expect.poll(() => help.isVisible()).toBe(false)
      expect((await statusOf(s, waits)).status).toBe('pending')
      expect(await queueIds(s)).toEqual([waits])
      expect(problemsOf(page)).toEqual([])
    })

    it('acts with the mouse too: a ban with its length, bulk approval, lifting the ban, trusting the author', { timeout: 60_000 }, async () => {
      const s = await setUp(database(), closers)
      const one = await s.post('hold one')
      const two = await s.post('hold two')
      const page = await signedInPage(s)
      await page.goto(`${s.engawa.origin}/admin`)
      await page.click(`.item[data-id="${two}"] button:text("Ban author…")`)
      // A guest: the dialog says a ban covers their network, every guest on it.
      expect(await page.locator('#ban-who').textContent()).toContain('every guest commenting from that network is banned')
      await page.click('#ban-dialog label:has-text("30 days")')
      await page.fill('#ban-reason', 'Link spam')
      await page.click('#ban-dialog button:text("Ban")')
      await expect.poll(() => announced(page)).toBe('Banned Seeder for 30 days.')
      const ban = await s.db.selectFrom('bans').select(['author', 'reason', 'created_at', 'expires_at']).where('site_id', '=', s.site).executeTakeFirstOrThrow()
      expect(ban.reason).toBe('Link spam')
      expect(((ban.expires_at?.getTime() ?? 0) - ban.created_at.getTime()) / 86_400_000).toBe(30)
      expect(await page.locator(`.item[data-id="${two}"] .outcome`).textContent()).toBe('Author banned for 30 days.')

      await page.check('#pick-all')
      expect(await page.locator('#picked').textContent()).toBe('2 selected')
      await page.click('[data-bulk="approve"]')
      await expect.poll(() => page.locator('#queue .item').count()).toBe(0)
      expect((await statusOf(s, one)).status).toBe('published')
      expect((await statusOf(s, two)).status).toBe('published')
      expect(await page.locator('#queue-empty').isVisible()).toBe(true)
      await expect.poll(() => announced(page)).toBe('Approved 2 comments.')

      await page.goto(`${s.engawa.origin}/admin/sites/${s.site}/bans`)
      await page.click('button[data-lift]')
      await expect.poll(() => page.locator('.empty').textContent()).toBe('Nobody is banned.')
      expect((await s.db.selectFrom('bans').select('lifted_at').where('site_id', '=', s.site).executeTakeFirstOrThrow()).lifted_at).not.toBeNull()

      await page.goto(`${s.engawa.origin}/admin/sites/${s.site}/authors/${encodeURIComponent(ban.author)}`)
      expect(await page.locator('[data-field=ban]').textContent()).toBe('Not banned')
      await page.click('button[data-author-act="trust"]')
      await expect.poll(() => page.locator('[data-field=trusted]').textContent()).toBe('Yes: their comments skip approval')
      expect(await page.locator('button[data-author-act="trust"]').isHidden()).toBe(true)
      expect(await page.locator('button[data-author-act="untrust"]').isVisible()).toBe(true)
      const flags = await s.db.selectFrom('site_authors').select('trusted').where('site_id', '=', s.site).where('author', '=', ban.author).executeTakeFirstOrThrow()
      expect(flags.trusted).toBe(true)
      // An error from the API is shown in words: a second ban lift finds no ban.
      await page.evaluate(() => document.querySelector('[data-author-act="unban"]')?.removeAttribute('hidden'))
      await page.click('button[data-author-act="unban"]')
      await expect.poll(() => page.locator('#problem').textContent()).toBe('This author is not banned.')
      expect(await page.locator('#problem').isVisible()).toBe(true)
      expect(problemsOf(page).filter((p) => !p.startsWith('409 '))).toEqual([])
    })

    it('lets an owner change the rules, invite a moderator and ask for mail about the queue', { timeout: 60_000 }, async () => {
      const s = await setUp(database(), closers)
      const owner = await s.db.selectFrom('users').select('email').orderBy('created_at', 'desc').executeTakeFirstOrThrow()
      await setSiteRole(s.db, s.site, owner.email ?? '', 'owner')
      const page = await signedInPage(s)
      await page.goto(`${s.engawa.origin}/admin/sites/${s.site}/settings`)
      await page.check('input[name=premoderation][value=first]')
      await page.uncheck('input[name=guestsAllowed]')
      await page.fill('textarea[name=blockedWords]', 'hold\n  Casino  \n\nlottery')
      await page.fill('input[name=maxLinks]', '2')
      await page.click('button:text("Save the settings")')
      await expect.poll(() => announced(page)).toBe('Settings saved.')
      const site = await s.db.selectFrom('sites').selectAll().where('id', '=', s.site).executeTakeFirstOrThrow()
      expect(site).toMatchObject({ premoderation: 'first', guests_allowed: false, blocked_words: ['hold', 'casino', 'lottery'], max_links: 2 })
      expect(await page.locator('textarea[name=blockedWords]').inputValue()).toBe('hold\ncasino\nlottery')
      // A value the API refuses comes back as its message.
      await page.fill('input[name=maxLinks]', '-1')
      await page.click('button:text("Save the settings")')
      await expect.poll(() => page.locator('#problem').textContent()).toMatch(/^Most links in one comment: /)
      expect((await s.db.selectFrom('sites').select('max_links').where('id', '=', s.site).executeTakeFirstOrThrow()).max_links).toBe(2)

      await page.fill('#invite-form input[name=email]', 'new-mod@mail.example')
      await page.click('button:text("Send the invitation")')
      await expect.poll(() => page.locator('#members').textContent()).toContain('new-mod@mail.example')
      await expect.poll(() => announced(page)).toBe('Invitation sent to new-mod@mail.example.')
      expect(await s.db.selectFrom('site_invitations').select('email').where('site_id', '=', s.site).execute()).toEqual([{ email: 'new-mod@mail.example' }])

      await page.check('#notify-queue')
      await expect.poll(() => announced(page)).toBe('You will get an email when something enters the queue.')
      const member = await s.db.selectFrom('site_members').select('notify_queue').where('site_id', '=', s.site).executeTakeFirstOrThrow()
      expect(member.notify_queue).toBe(true)
      expect(problemsOf(page)).toEqual([])
    })

    it('lets an owner make, copy and revoke an API token, and move threads after a preview', { timeout: 60_000 }, async () => {
      const s = await setUp(database(), closers)
      const owner = await s.db.selectFrom('users').select('email').orderBy('created_at', 'desc').executeTakeFirstOrThrow()
      await setSiteRole(s.db, s.site, owner.email ?? '', 'owner')
      const page = await signedInPage(s)
      await page.goto(`${s.engawa.origin}/admin/sites/${s.site}/tokens`)
      await page.fill('#token-form input[name=name]', 'Nightly report')
      await page.selectOption('#token-form select[name=scope]', 'read')
      await page.click('button:text("Create the token")')
      await expect.poll(() => page.locator('#new-token-value').textContent()).toMatch(/^engawa_pat_/)
      const token = (await page.locator('#new-token-value').textContent()) ?? ''
      await expect.poll(() => page.locator('#tokens').textContent()).toContain('Nightly report')
      if (process.env.SHOT) await page.screenshot({ path: '/tmp/tokens.png', fullPage: true })
      const queue = () => fetch(`${s.engawa.origin}/api/v1/moderation/sites/${s.site}/queue`, { headers: { authorization: `Bearer ${token}` } })
      expect((await queue()).status).toBe(200)
      page.once('dialog', (dialog) => void dialog.accept())
      await page.click('#tokens [data-revoke]')
      await expect.poll(() => announced(page)).toBe('Token “Nightly report” revoked.')
      expect((await queue()).status).toBe(401)

      await s.post('Before the move')
      await page.goto(`${s.engawa.origin}/admin/sites/${s.site}/threads`)
      await page.fill('#move-form input[name=from]', 'https://blog.example/posts/')
      await page.fill('#move-form input[name=to]', 'https://blog.example/articles/')
      await page.check('#move-form input[name=prefix]')
      await page.click('button:text("Preview the move")')
      await expect.poll(() => page.locator('#move-result').textContent()).toContain('1 thread would move:https://blog.example/posts/keyboards → https://blog.example/articles/keyboards')
      expect(await s.db.selectFrom('threads').select('url').where('site_id', '=', s.site).execute()).toEqual([{ url: ARTICLE }])
      await page.click('#move-apply')
      await expect.poll(() => announced(page)).toBe('Moved 1 thread:')
      expect(await s.db.selectFrom('threads').select('url').where('site_id', '=', s.site).execute()).toEqual([{ url: 'https://blog.example/articles/keyboards' }])
      expect(problemsOf(page)).toEqual([])
    })

    // The pages' markup does not depend on the database: one backend is enough for the scan.
    if (backend === 'pglite') it('passes axe in light and dark, fits 320 px, and copies the embed code', { timeout: 120_000 }, async () => {
      const s = await setUp(database(), closers)
      const reported = await s.post('Reported for the scan')
      await report(s, reported, 'Spammy')
      await s.post('hold for the scan, with a long unbroken word: Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen', { parentId: reported })
      const hidden = await s.post('Hidden before the scan')
      expect((await s.api('POST', `/moderation/sites/${s.site}/comments/${hidden}`, { action: 'hide', reason: 'Off topic' })).status).toBe(200)
      const banned = await s.api('POST', `/moderation/sites/${s.site}/authors`, { commentId: hidden, action: 'ban', days: 7, reason: 'Repeated abuse' })
      expect(banned.status).toBe(200)
      const author = encodeURIComponent((await banned.json()).author)
      const page = await signedInPage(s)
      const site = `/admin/sites/${s.site}`
      const pages = ['/admin', site, `${site}/search?text=scan`, `${site}/authors/${author}`, `${site}/bans`, `${site}/audit`, `${site}/settings`]
      const scan = async (paths: string[]) => {
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme })
          for (const path of paths) {
            await page.goto(`${s.engawa.origin}${path}`)
            if (path === site) await page.click('summary')
            expect(await violations(page), `${path} (${scheme})`).toEqual([])
          }
        }
      }
      await scan(pages)
      await page.setViewportSize({ width: 320, height: 700 })
      for (const path of pages) {
        await page.goto(`${s.engawa.origin}${path}`)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320)
      }
      // The owner's settings page: the form and the people.
      const owner = await s.db.selectFrom('users').select('email').orderBy('created_at', 'desc').executeTakeFirstOrThrow()
      await setSiteRole(s.db, s.site, owner.email ?? '', 'owner')
      const ownerPages = [`${site}/settings`, `${site}/threads`, `${site}/tokens`, `${site}/mail`]
      for (const path of ownerPages) {
        await page.goto(`${s.engawa.origin}${path}`)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320)
      }
      await page.setViewportSize({ width: 1000, height: 900 })
      await scan(ownerPages)
      // The owner's test mail: queued, and the delivery log shows it.
      await page.goto(`${s.engawa.origin}${site}/mail`)
      await page.click('#test-mail')
      await expect.poll(() => page.locator('#deliveries li').count()).toBe(1)
      await scan([`${site}/mail`])

      await page.emulateMedia({ colorScheme: 'light' })
      await page.goto(`${s.engawa.origin}${site}`)
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.engawa.origin })
      await page.click('button[data-copy]')
      await expect.poll(() => page.locator('#copy-status').textContent()).toBe('Copied')
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`<div id="engawa"></div>\n<script src="${s.engawa.origin}/embed.js" data-site="${s.site}" async></script>`)
      // The chart: one bar per day; today's row holds today's three comments and the two waiting.
      expect(await page.locator('svg .bar').count()).toBe(30)
      expect(await page.locator('#activity-table tbody tr').first().locator('td').allTextContents()).toEqual(['3', '2'])
      expect(problemsOf(page)).toEqual([])
    })
  })
})
