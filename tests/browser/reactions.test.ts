import type { Page, Route } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { axeViolations } from '../helpers/axe.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability } from '../helpers/browser.ts'
import { heading, widgetTests } from '../helpers/widget-page.ts'

// Reactions in the widget: on a site's page (127.0.0.2), Engawa on 127.0.0.1, third-party cookies blocked.

const { setUp, closeServers } = widgetTests()

const acts = (page: Page, id: string) => page.locator(`#engawa li[data-id="${id}"] > article > .acts`)
const chip = (page: Page, id: string, kind: string) => acts(page, id).locator(`button[data-react="${kind}"]`)
const serious = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')

forEachBackend((database, backend) => {
  afterAll(closeServers)

  describe.skipIf(!browserAvailability().available)('reactions in the widget', () => {
    it('gives a reaction from the picker, shows it pressed after a reload, names who reacted on hover, and takes it back', async () => {
      const s = await setUp(database())
      const { id } = await s.post('Japan chose openness for AI research.')
      const hana = await s.readerToken('Hana')
      const ren = await s.readerToken('Ren')
      const page = await s.open({ session: hana })
      await expect.poll(() => heading(page)).toBe('1 comment')
      const add = acts(page, id).locator('button[data-act=react]')
      expect(await add.getAttribute('aria-label')).toBe('Add a reaction')
      await add.click()
      const picker = page.locator(`#engawa li[data-id="${id}"] [role=group] button[data-react]`)
      await expect.poll(() => picker.count()).toBe(8)
      expect(await serious(page)).toEqual([])
      await picker.filter({ hasText: '🎉' }).click()
      await expect.poll(() => chip(page, id, 'hooray').textContent()).toBe('🎉 1')
      expect(await chip(page, id, 'hooray').getAttribute('aria-pressed')).toBe('true')
      expect(await picker.count()).toBe(0)
      const stored = () => database().db.selectFrom('reactions').select('kind').where('site_id', '=', s.site).execute()
      expect(await stored()).toEqual([{ kind: 'hooray' }])

      // Another reader adds theirs; the first sees both counted, theirs pressed, and who on hover.
      const other = await s.open({ session: ren })
      await expect.poll(() => chip(other, id, 'hooray').textContent()).toBe('🎉 1')
      expect(await chip(other, id, 'hooray').getAttribute('aria-pressed')).toBe('false')
      await chip(other, id, 'hooray').click()
      await expect.poll(() => chip(other, id, 'hooray').textContent()).toBe('🎉 2')
      await other.close()
      await page.reload()
      await expect.poll(() => chip(page, id, 'hooray').getAttribute('aria-pressed')).toBe('true')
      expect(await chip(page, id, 'hooray').textContent()).toBe('🎉 2')
      await chip(page, id, 'hooray').hover()
      await expect.poll(() => chip(page, id, 'hooray').getAttribute('title')).toMatch(/^(Hana and Ren|Ren and Hana)$/)
      if (backend === 'pglite') {
        await acts(page, id).locator('button[data-act=react]').click()
        await page.locator('#engawa').screenshot({ path: new URL('./screenshots/reactions.png', import.meta.url).pathname })
        await acts(page, id).locator('button[data-act=react]').click()
      }

      await chip(page, id, 'hooray').click()
      await expect.poll(() => chip(page, id, 'hooray').textContent()).toBe('🎉 1')
      expect(await chip(page, id, 'hooray').getAttribute('aria-pressed')).toBe('false')
      expect(await stored()).toEqual([{ kind: 'hooray' }])
      await page.close()
    })

    it('takes a reaction given before the widget has heard who the reader is, once it has, as them', async () => {
      const s = await setUp(database())
      const { id } = await s.post('Early')
      await database().db.insertInto('reactions').values({ site_id: s.site, comment_id: id, reactor: `user:${crypto.randomUUID()}`, kind: 'eyes', created_at: new Date() }).execute()
      await database().db.updateTable('comments').set({ reactions: JSON.stringify({ eyes: 1 }) as never }).where('site_id', '=', s.site).where('id', '=', id).execute()
      const token = await s.readerToken('Mio')
      // Who the stored session belongs to is held back until the reaction is given.
      const held: Route[] = []
      const page = await s.open({ session: token, beforeOpen: (p) => p.route('**/api/v1/me', (route) => void held.push(route)) })
      await expect.poll(() => chip(page, id, 'eyes').textContent()).toBe('👀 1')
      await expect.poll(() => held.length).toBeGreaterThan(0)
      // The picker, asked for meanwhile, waits too: a guest where only accounts react is asked to sign in instead.
      await acts(page, id).locator('button[data-act=react]').click()
      await chip(page, id, 'eyes').click()
      expect(await page.locator(`#engawa li[data-id="${id}"] .slot`).textContent()).toBe('')
      for (const route of held) await route.continue()
      await expect.poll(() => chip(page, id, 'eyes').textContent()).toBe('👀 2')
      expect(await chip(page, id, 'eyes').getAttribute('aria-pressed')).toBe('true')
      await page.locator(`#engawa li[data-id="${id}"] [role=group] button[data-react=hooray]`).click()
      await expect.poll(() => chip(page, id, 'hooray').textContent()).toBe('🎉 1')
      expect(await page.locator(`#engawa li[data-id="${id}"] .slot`).textContent()).not.toContain('Sign in')
      const reactors = await database().db.selectFrom('reactions').select(['reactor', 'kind']).where('site_id', '=', s.site).where('reactor', 'like', 'user:%').execute()
      expect(reactors.filter((r) => r.kind === 'hooray')).toHaveLength(1)
      expect(reactors).toHaveLength(3)
      await page.close()
    })

    it('asks a guest to sign in where only accounts react, and hides reactions where the site turned them off', async () => {
      const s = await setUp(database())
      const { id } = await s.post('Hello')
      await database().db.insertInto('reactions').values({ site_id: s.site, comment_id: id, reactor: `user:${crypto.randomUUID()}`, kind: 'eyes', created_at: new Date() }).execute()
      await database().db.updateTable('comments').set({ reactions: JSON.stringify({ eyes: 1 }) as never }).where('site_id', '=', s.site).where('id', '=', id).execute()
      const page = await s.open()
      await expect.poll(() => chip(page, id, 'eyes').textContent()).toBe('👀 1')
      await chip(page, id, 'eyes').click()
      await expect.poll(() => page.locator(`#engawa li[data-id="${id}"] .slot`).textContent()).toBe('Sign in to vote and react. Sign in')
      // The picker too asks at once, rather than after a reaction was chosen.
      await page.locator(`#engawa li[data-id="${id}"] .slot button`).evaluate((b) => b.closest('.slot')?.replaceChildren())
      await acts(page, id).locator('button[data-act=react]').click()
      await expect.poll(() => page.locator(`#engawa li[data-id="${id}"] .slot`).textContent()).toBe('Sign in to vote and react. Sign in')
      expect(await page.locator(`#engawa li[data-id="${id}"] .slot button[data-react]`).count()).toBe(0)
      await page.close()
      await database().db.updateTable('sites').set({ reactions: 'off' }).where('id', '=', s.site).execute()
      const off = await s.open()
      await expect.poll(() => heading(off)).toBe('1 comment')
      await expect.poll(() => acts(off, id).locator('button[data-act=reply]').count()).toBe(1)
      // Offered until the site's rules come, then gone.
      await expect.poll(() => acts(off, id).locator('button[data-react], button[data-act=react]').count()).toBe(0)
      await off.close()
    })
  })
})

forEachBackend((database) => {
  afterAll(closeServers)

  describe.skipIf(!browserAvailability().available)('the inbox in the widget', () => {
    it('tells a reader live of a mention of them on another article (their own stream), lists it with a link to the comment, and clears the count once opened', async () => {
      const s = await setUp(database(), { live: true })
      const hana = await s.readerToken('Hana')
      const aki = await s.readerToken('Aki')
      const post = (token: string, body: string) =>
        fetch(`${s.engawa.origin}/api/v1/sites/${s.site}/comments`, {
          method: 'POST',
          headers: { origin: s.host.origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ thread: { url: `${s.host.origin}/elsewhere`, title: 'Another article' }, body }),
        })
      // On another article than the one open: its thread's stream hears nothing of it.
      expect((await post(hana, 'What does Article 30-4 allow?')).status).toBe(201)
      const page = await s.open({ session: hana })
      const button = page.locator('#engawa .ib > button')
      await expect.poll(() => button.textContent()).toBe('Inbox')
      expect(await page.locator('#engawa .ib [role=region]').isVisible()).toBe(false)
      const mention = await post(aki, '@Hana it allows analysis, with limits.')
      expect(mention.status).toBe(201)
      const { comment } = await mention.json()
      await expect.poll(() => button.textContent()).toBe('Inbox: 1 new')
      await button.click()
      expect(await button.getAttribute('aria-expanded')).toBe('true')
      const link = page.locator('#engawa .ib [role=region] a')
      expect(await link.textContent()).toBe('Aki mentioned you')
      expect(await link.getAttribute('href')).toBe(`${s.host.origin}/elsewhere#engawa-comment-${comment.id}`)
      await expect.poll(() => button.textContent()).toBe('Inbox')
      expect(await serious(page)).toEqual([])
      const unread = await database().db.selectFrom('inbox_items').select('read_at').where('site_id', '=', s.site).execute()
      expect(unread.map((r) => r.read_at !== null)).toEqual([true])
      await page.close()
    })
  })
})

forEachBackend((database, backend) => {
  afterAll(closeServers)

  describe.skipIf(!browserAvailability().available)('mentions in the composer', () => {
    it('suggests the names of account authors on the page after @, by keyboard, never guests, and the post links the name', async () => {
      const s = await setUp(database())
      const ren = await s.readerToken('Ren Tanaka')
      const aki = await s.readerToken('Aki')
      await fetch(`${s.engawa.origin}/api/v1/sites/${s.site}/comments`, {
        method: 'POST',
        headers: { origin: s.host.origin, 'content-type': 'application/json', authorization: `Bearer ${ren}` },
        body: JSON.stringify({ thread: { url: `${s.host.origin}/`, title: 'An article' }, body: 'Reciprocity, then.' }),
      })
      await s.post('A guest speaks.', { author: { name: 'Rena the guest' } })
      const page = await s.open({ session: aki })
      const text = page.locator('#engawa form textarea').first()
      await text.waitFor()
      await text.click()
      await page.keyboard.type('Thanks @Re')
      const options = page.locator('#engawa [role=listbox] [role=option]')
      await expect.poll(() => options.allTextContents()).toEqual(['Ren Tanaka'])
      expect(await text.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'))
      expect(await page.locator('#engawa [role=listbox]').first().isVisible()).toBe(true)
      expect(await serious(page)).toEqual([])
      await page.keyboard.press('Enter')
      expect(await text.inputValue()).toBe('Thanks @Ren Tanaka ')
      expect(await options.count()).toBe(0)
      expect(await page.locator('#engawa [role=listbox]').first().isVisible()).toBe(false)
      if (backend === 'pglite') {
        await page.keyboard.type('@')
        await expect.poll(() => options.count()).toBe(1)
        await page.locator('#engawa form').first().screenshot({ path: new URL('./screenshots/mention-suggest.png', import.meta.url).pathname })
        await page.keyboard.press('Escape')
        await page.keyboard.press('Backspace')
      }
      await page.keyboard.type('for the point.')
      await page.locator('#engawa form button[type=submit]').first().click()
      await expect.poll(async () => (await database().db.selectFrom('comments').select('mentions').where('site_id', '=', s.site).where('author_name', '=', 'Aki').execute()).length).toBe(1)
      const row = await database().db.selectFrom('comments').select(['mentions', 'body_source']).where('site_id', '=', s.site).where('author_name', '=', 'Aki').executeTakeFirstOrThrow()
      expect(row.body_source).toBe('Thanks @Ren Tanaka for the point.')
      expect(row.mentions).toHaveLength(1)
      await page.close()
    })
  })
})
