import type { Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { axeViolations } from '../helpers/axe.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability } from '../helpers/browser.ts'
import { signUpOver } from '../helpers/engawa-server.ts'
import { consoleErrors, widgetTests } from '../helpers/widget-page.ts'

// The community view: embedded in a site's page (127.0.0.2) with data-view="community", and as
// Engawa's own page /s/{site} (127.0.0.1); English and Japanese, by keyboard, axe-clean.

const { setUp, closeServers } = widgetTests()
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname

// The view the script drew (in its shadow root, section.e), not the copy the server drew before it.
const inView = (page: Page, selector: string) => page.locator(`#engawa .e ${selector}`)
const titles = (page: Page) => inView(page, '.cm > li').evaluateAll((items) => items.map((li) => li.textContent ?? ''))
const problems = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')

forEachBackend((database, backend) => {
  afterAll(closeServers)

  describe.skipIf(!browserAvailability().available)('the community view', () => {
    it('shows the newest comments across articles, the most active and all discussions, by keyboard, in English and Japanese', async () => {
      const s = await setUp(database())
      const on = (path: string, title: string) => ({ thread: { url: `${s.host.origin}${path}`, title } })
      await s.post('First thoughts on the copyright exception.', on('/posts/ai-copyright', 'AI and copyright'))
      await s.post('Reciprocity matters: **both ways**.', on('/posts/ai-copyright', 'AI and copyright'))
      const newest = await s.post('Illustrators deserve a say.', on('/posts/illustrators', 'Illustrators speak'))
      const hidden = await s.post('Spam that a moderator hid.', on('/posts/illustrators', 'Illustrators speak'))
      // Hidden as a moderator would, with the thread's visible count (tests/community covers the moderation routes).
      await database().db.updateTable('comments').set({ status: 'hidden' }).where('site_id', '=', s.site).where('id', '=', hidden.id).execute()
      await database().db.updateTable('threads').set((eb) => ({ comment_count: eb('comment_count', '-', 1) })).where('site_id', '=', s.site).where('url', '=', `${s.host.origin}/posts/illustrators`).execute()

      const page = await s.open({ attrs: 'data-view="community"' })
      await expect.poll(() => inView(page, 'h2').textContent()).toBe('Discussions on Widget blog')
      await expect.poll(() => inView(page, '.cm > li').count()).toBe(3)
      const latest = await titles(page)
      expect(latest[0]).toContain('Illustrators deserve a say.')
      expect(latest.join('\n')).not.toContain('Spam that a moderator hid')
      expect(await inView(page, '.cm > li').first().locator('header a').getAttribute('href')).toBe(`${s.host.origin}/posts/illustrators#engawa-comment-${newest.id}`)
      expect(await inView(page, '.cm > li').first().locator('a.ti').getAttribute('href')).toBe(`${s.host.origin}/posts/illustrators`)
      expect(await inView(page, '[role=tab][aria-selected=true]').textContent()).toBe('Latest comments')
      expect(await inView(page, '#period').isVisible()).toBe(false)
      expect(await problems(page)).toEqual([])

      // The tabs follow the ARIA pattern: arrows move between them, and the panel follows.
      await inView(page, '[role=tab][aria-selected=true]').focus()
      await page.keyboard.press('ArrowRight')
      await expect.poll(() => inView(page, '[role=tab][aria-selected=true]').textContent()).toBe('Most active')
      await expect.poll(() => titles(page)).toEqual([
        expect.stringMatching(/^AI and copyright2 comments in this period · latest /),
        expect.stringMatching(/^Illustrators speak1 comment in this period · latest /),
      ])
      expect(await inView(page, '#period').isVisible()).toBe(true)
      await page.keyboard.press('End')
      await expect.poll(() => inView(page, '[role=tab][aria-selected=true]').textContent()).toBe('All discussions')
      await expect.poll(() => titles(page)).toEqual([expect.stringMatching(/^Illustrators speak1 comment · started /), expect.stringMatching(/^AI and copyright2 comments · started /)])
      expect(await problems(page)).toEqual([])
      expect(consoleErrors(page)).toEqual([])
      await page.close()

      // Engawa's own page of the same, in Japanese.
      const own = (await page.context().browser()?.newPage()) as Page
      await own.goto(`${s.engawa.origin}/s/${s.site}?lang=ja&tab=active&period=day`)
      expect(await own.locator('h1').textContent()).toBe('Widget blog')
      await expect.poll(() => inView(own, 'h2').textContent()).toBe('Widget blog のディスカッション')
      await expect.poll(() => inView(own, '[role=tab][aria-selected=true]').textContent()).toBe('盛り上がっている話題')
      expect(await inView(own, '#period').inputValue()).toBe('day')
      await expect.poll(() => inView(own, '.cm > li').count()).toBe(2)
      expect(await inView(own, '.cm > li').first().textContent()).toContain('この期間のコメント 2 件')
      expect(await own.locator('.back a').getAttribute('href')).toBe(`${s.host.origin}/`)
      expect(await problems(own)).toEqual([])
      if (backend === 'pglite') {
        await own.setViewportSize({ width: 900, height: 700 })
        await own.goto(`${s.engawa.origin}/s/${s.site}?lang=en`)
        await expect.poll(() => inView(own, '.cm > li').count()).toBe(3)
        await own.screenshot({ path: `${SCREENSHOTS}community-page.png` })
      }
      await own.close()
    })

    it('links a name to its reader’s profile once they show it, and the profile lists their comments; a private one says so', async () => {
      const s = await setUp(database())
      const hana = await s.readerToken('Hana Sato')
      const send = (method: string, path: string, body: unknown) =>
        fetch(`${s.engawa.origin}/api/v1${path}`, { method, headers: { origin: s.host.origin, 'content-type': 'application/json', authorization: `Bearer ${hana}` }, body: JSON.stringify(body) })
      expect((await send('POST', `/sites/${s.site}/comments`, { thread: { url: `${s.host.origin}/`, title: 'An article' }, body: 'Before my profile was public.' })).status).toBe(201)
      const article = await s.open()
      await expect.poll(() => article.locator('#engawa li article').count()).toBe(1)
      expect(await article.locator('#engawa .au a').count()).toBe(0)
      const userId = (await database().db.selectFrom('comments').select('author_user_id').where('site_id', '=', s.site).executeTakeFirstOrThrow()).author_user_id
      const privatePage = (await article.context().browser()?.newPage()) as Page
      await privatePage.goto(`${s.engawa.origin}/s/${s.site}/u/${userId}`)
      await expect.poll(() => inView(privatePage, '[role=status]').textContent()).toBe('This profile is private, or there is none here.')
      await privatePage.close()

      expect((await send('PUT', '/me/profile', { public: true })).status).toBe(200)
      expect((await send('PUT', `/sites/${s.site}/profile`, { bio: 'Illustrator in Osaka.' })).status).toBe(200)
      await article.reload()
      const link = article.locator('#engawa .au a')
      await expect.poll(() => link.getAttribute('href')).toBe(`${s.engawa.origin}/s/${s.site}/u/${userId}`)
      await article.close()
      const profile = (await link.page().context().browser()?.newPage()) as Page
      await profile.goto(`${s.engawa.origin}/s/${s.site}/u/${userId}`)
      await expect.poll(() => inView(profile, 'h2').textContent()).toContain('Hana Sato')
      expect(await inView(profile, 'p').first().textContent()).toBe('Illustrator in Osaka.')
      await expect.poll(() => titles(profile)).toEqual([expect.stringContaining('Before my profile was public.')])
      expect(await problems(profile)).toEqual([])
      if (backend === 'pglite') await profile.screenshot({ path: `${SCREENSHOTS}profile-page.png` })
      await profile.close()
    })

    it('lets a reader turn their profile on from their account page on Engawa', async () => {
      const s = await setUp(database())
      const email = `ren-${crypto.randomUUID()}@mail.example`
      const cookie = await signUpOver(s.engawa.origin, database(), email, 'Ren')
      const [name, value] = cookie.split('=') as [string, string]
      const context = await (await s.open()).context().browser()?.newContext()
      if (!context) throw new Error('no browser')
      await context.addCookies([{ name, value, url: s.engawa.origin }])
      const page = await context.newPage()
      await page.goto(`${s.engawa.origin}/auth/account`)
      const box = page.getByLabel(/Show my profile/)
      expect(await box.isChecked()).toBe(false)
      await box.check()
      await page.locator('#profile-form button[type=submit]').click()
      await expect.poll(() => page.locator('#status').textContent()).toBe('Your profile is shown.')
      const user = await database().db.selectFrom('users').select('profile_public').where('email', '=', email).executeTakeFirstOrThrow()
      expect(user.profile_public).toBe(true)
      expect(await problems(page)).toEqual([])
      await context.close()
    })

    it('lets a signed-in reader show their profile and write their bio from the widget, which then links their name', async () => {
      const s = await setUp(database())
      const hana = await s.readerToken('Hana Sato')
      const posted = await fetch(`${s.engawa.origin}/api/v1/sites/${s.site}/comments`, {
        method: 'POST',
        headers: { origin: s.host.origin, 'content-type': 'application/json', authorization: `Bearer ${hana}` },
        body: JSON.stringify({ thread: { url: `${s.host.origin}/`, title: 'An article' }, body: 'Hana’s first word.' }),
      })
      expect(posted.status).toBe(201)
      const page = await s.open({ session: hana })
      await expect.poll(() => page.locator('#engawa li article').count()).toBe(1)
      expect(await page.locator('#engawa .au a').count()).toBe(0)
      const open = inView(page, 'button[aria-expanded]').filter({ hasText: 'Profile' })
      await open.click()
      const bio = page.getByLabel('About you, on this site')
      await expect.poll(() => bio.isVisible()).toBe(true)
      expect(await page.getByLabel(/Show my profile/).isChecked()).toBe(false)
      expect(await problems(page)).toEqual([])
      await page.getByLabel(/Show my profile/).check()
      await bio.fill('Illustrator in Osaka.')
      await expect.poll(() => inView(page, '#pf-left').textContent()).toBe('279 characters left')
      if (backend === 'pglite') await page.locator('#engawa').screenshot({ path: `${SCREENSHOTS}profile-form.png` })
      await inView(page, '[role=region][aria-label=Profile] button.p').click()
      // Saved, it closes; were it refused, it would stay open and say why.
      await expect.poll(async () => [await bio.isVisible(), await inView(page, '[role=region][aria-label=Profile] .err').allTextContents()]).toEqual([false, []])
      const userId = (await database().db.selectFrom('comments').select('author_user_id').where('site_id', '=', s.site).executeTakeFirstOrThrow()).author_user_id
      const stored = await database().db.selectFrom('reader_profiles').select('bio').where('site_id', '=', s.site).where('user_id', '=', userId).executeTakeFirst()
      expect(stored?.bio).toBe('Illustrator in Osaka.')
      // Their name links to the profile now, without a reload; the form opens again with what they wrote.
      await expect.poll(() => page.locator('#engawa .au a').getAttribute('href')).toBe(`${s.engawa.origin}/s/${s.site}/u/${userId}`)
      await open.click()
      await expect.poll(() => bio.inputValue()).toBe('Illustrator in Osaka.')
      expect(await inView(page, '[role=region][aria-label=Profile] a').getAttribute('href')).toBe(`${s.engawa.origin}/s/${s.site}/u/${userId}`)
      await page.keyboard.press('Escape')
      await expect.poll(() => bio.isVisible()).toBe(false)
      await page.close()
    })

    it('says when the discussions cannot be loaded, and loads them when asked again', async () => {
      const s = await setUp(database())
      await s.post('Hello.')
      const page = await s.open({ attrs: 'data-view="community"' })
      await expect.poll(() => inView(page, '.cm > li').count()).toBe(1)
      await page.route('**/community?**', (route) => route.abort())
      await inView(page, '[role=tab]:has-text("All discussions")').click()
      await expect.poll(() => inView(page, '[role=status]').textContent()).toBe('The discussions could not be loaded.')
      await page.unroute('**/community?**')
      await inView(page, 'button:has-text("Try again")').click()
      await expect.poll(() => inView(page, '.cm > li').count()).toBe(1)
      expect(await inView(page, '[role=status]').textContent()).toBe('')
      await page.close()
    })
  })
})
