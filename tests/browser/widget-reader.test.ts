import type { Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { axeViolations } from '../helpers/axe.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability } from '../helpers/browser.ts'
import { consoleErrors, heading, widgetTests } from '../helpers/widget-page.ts'

// The widget as a reader uses it every day: reporting, controls that tell the truth, writing,
// where their comment lands, errors that say what is wrong, and faces. Two origins, Chromium.

const { setUp, closeServers } = widgetTests()

const comment = (page: Page, id: string) => page.locator(`#engawa li[data-id="${id}"] > article`)
const serious = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')

forEachBackend((database, backend) => {
  afterAll(closeServers)

  describe.skipIf(!browserAvailability().available)('the widget for readers', () => {
    it('reports a comment from its menu, by keyboard, then says "Reported"; a second report is "already reported"', async () => {
      const s = await setUp(database())
      const { id } = await s.post('Buy cheap watches')
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('1 comment')
      const menuButton = comment(page, id).locator('button[data-act=menu]')
      expect(await menuButton.getAttribute('aria-haspopup')).toBe('menu')
      await menuButton.focus()
      await page.keyboard.press('Enter')
      const item = page.locator('#engawa [role=menu] [role=menuitem]')
      await expect.poll(() => page.evaluate(() => document.getElementById('engawa')?.shadowRoot?.activeElement?.textContent)).toBe('Report…')
      expect(await menuButton.getAttribute('aria-expanded')).toBe('true')
      // Escape closes the menu and gives focus back to its button.
      await page.keyboard.press('Escape')
      expect(await item.count()).toBe(0)
      expect(await page.evaluate(() => document.getElementById('engawa')?.shadowRoot?.activeElement?.getAttribute('data-act'))).toBe('menu')
      await page.keyboard.press('Enter')
      await page.keyboard.press('Enter')
      const form = comment(page, id).locator('form')
      await expect.poll(() => form.locator('legend').textContent()).toBe('Why report this comment?')
      await form.locator('label:has-text("Abusive") input').check()
      await form.locator('textarea').fill('Spam links all over the site.')
      await form.locator('button:text("Send report")').click()
      await expect.poll(() => comment(page, id).locator('[role=status]').textContent()).toBe('Thank you. The moderators will take a look.')
      const reports = await database().db.selectFrom('reports').select(['reason', 'text', 'reporter']).where('site_id', '=', s.site).execute()
      expect(reports).toEqual([{ reason: 'abuse', text: 'Spam links all over the site.', reporter: expect.stringMatching(/^guest:/) }])
      await menuButton.click()
      await expect.poll(() => item.textContent()).toBe('Reported')
      expect(await item.getAttribute('aria-disabled')).toBe('true')

      // Another browser on the same network is the same guest to the site: already reported.
      const other = await s.open()
      await comment(other, id).locator('button[data-act=menu]').click()
      await other.locator('#engawa [role=menuitem]').click()
      await other.locator('#engawa button:text("Send report")').click()
      await expect.poll(() => comment(other, id).locator('[role=status]').textContent()).toBe('You have already reported this comment.')
      expect(await database().db.selectFrom('reports').select('reason').where('site_id', '=', s.site).execute()).toHaveLength(1)

      // Signed in, a reader reports as their account.
      const signedIn = await s.open({ session: await s.readerToken('Hana') })
      await expect.poll(() => signedIn.locator('#engawa section').textContent()).toContain('Signed in as Hana')
      await comment(signedIn, id).locator('button[data-act=menu]').click()
      await signedIn.locator('#engawa [role=menuitem]').click()
      await signedIn.locator('#engawa button:text("Send report")').click()
      await expect.poll(() => comment(signedIn, id).locator('[role=status]').textContent()).toBe('Thank you. The moderators will take a look.')
      const reporters = await database().db.selectFrom('reports').select('reporter').where('site_id', '=', s.site).orderBy('created_at').execute()
      expect(reporters.map((r) => r.reporter.split(':')[0])).toEqual(['guest', 'user'])
    })

    it('shows Edit and Delete only while the edit window is open, with the time left; votes never on one’s own comment', async () => {
      const s = await setUp(database(), { site: { editWindowSeconds: 8 } })
      const other = await s.post('Someone else')
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('1 comment')
      // Signed out: the score with its buttons, and pressing one asks to sign in, sending no vote.
      await comment(page, other.id).locator('button[aria-label="Vote up"]').click()
      await expect.poll(() => comment(page, other.id).locator('.slot').textContent()).toBe('Sign in to vote and react. Sign in')
      expect(await comment(page, other.id).locator('.sc').getAttribute('aria-label')).toBe('Score 0')
      await page.fill('#engawa input[name=name]', 'Aki Tanaka')
      await page.fill('#engawa textarea', 'Mine, for a few seconds')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => heading(page)).toBe('2 comments')
      const mine = page.locator('#engawa li:has-text("Mine, for a few seconds") > article')
      expect(await mine.locator('button:text("Edit")').count()).toBe(1)
      expect(await mine.locator('button:text("Delete")').count()).toBe(1)
      expect(await mine.locator('[data-until]').textContent()).toMatch(/^0:0\d left to edit$/)
      // Their own comment has no ⋯ menu (nothing to report) and no vote buttons: its score, said in words.
      expect(await mine.locator('button[data-act=menu], button[data-vote]').count()).toBe(0)
      expect(await mine.locator('.sc').textContent()).toBe('0 points')
      // The window closes: both go, without a reload, and stay gone after one.
      await expect.poll(() => mine.locator('button:text("Edit"), button:text("Delete")').count(), { timeout: 20_000 }).toBe(0)
      // The tab's reads ask for the thread as the post left it (a read replica behind it is passed over).
      const reread = page.waitForRequest((r) => r.url().includes('/thread?'))
      await page.reload()
      const { version } = await database().db.selectFrom('threads').select('version').where('site_id', '=', s.site).executeTakeFirstOrThrow()
      expect(new URL((await reread).url()).searchParams.get('version')).toBe(String(version))
      await expect.poll(() => heading(page)).toBe('2 comments')
      const again = page.locator('#engawa li:has-text("Mine, for a few seconds") > article')
      await expect.poll(() => again.locator('.sc').textContent()).toBe('0 points')
      expect(await again.locator('button:text("Edit"), button:text("Delete")').count()).toBe(0)
    })

    it('gives a signed-in reader no vote on their own comment, shows no score on a hidden one, and a first reply its fold toggle at once', async () => {
      const s = await setUp(database())
      const token = await s.readerToken('Hana Sato')
      const page = await s.open({ session: token })
      await expect.poll(() => page.locator('#engawa section').textContent()).toContain('Signed in as Hana Sato')
      await page.fill('#engawa textarea', 'My own thought')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => heading(page)).toBe('1 comment')
      const mine = page.locator('#engawa section > div > ol > li').first()
      const id = (await mine.getAttribute('data-id')) ?? ''
      expect(await mine.locator('> article button[data-vote]').count()).toBe(0)
      expect(await mine.locator('> article .bd').first().textContent()).toBe('you')
      // Signed in, the account deletes its own comment at any time: Delete stays, Edit has its time.
      expect(await mine.locator('> article [data-until]').textContent()).toMatch(/left to edit$/)
      // The first reply: the toggle to fold replies is there, without a reload.
      await mine.locator('> article button:text("Reply")').click()
      await mine.locator('textarea').fill('Answering myself')
      await mine.locator('button:text("Post reply")').click()
      await expect.poll(() => mine.locator('> ol > li').count()).toBe(1)
      await expect.poll(() => mine.locator('> article button[data-act=toggle]').textContent()).toBe('Hide replies')
      // A moderator hides it: its author still sees their words, marked, and no score.
      await database().db.updateTable('comments').set({ status: 'hidden' }).where('id', '=', id).execute()
      await page.reload()
      await expect.poll(() => comment(page, id).locator('.note').first().textContent()).toBe('Hidden by a moderator.')
      expect(await comment(page, id).locator('.sc').count()).toBe(0)
    })

    it('marks an empty name and an empty comment and says why, counts characters near the limit, and folds a long comment', async () => {
      const s = await setUp(database())
      await s.post(Array.from({ length: 30 }, (_, i) => `Line ${i + 1}`).join('\n\n'))
      await database().db.updateTable('sites').set({ max_comment_length: 100 }).where('id', '=', s.site).execute()
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('1 comment')
      await page.click('#engawa button:text("Post comment")')
      const name = page.locator('#engawa form input[name=name]').first()
      const body = page.locator('#engawa form textarea').first()
      await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true')
      expect(await body.getAttribute('aria-invalid')).toBe('true')
      const described = async (field: typeof name) => {
        const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ')
        return (await Promise.all(ids.map((i) => page.locator(`#engawa [id="${i}"]:visible`).allTextContents()))).flat()
      }
      expect(await described(name)).toEqual(['Enter a name to comment as a guest.'])
      expect(await described(body)).toContain('Write your comment first.')
      expect(await page.evaluate(() => document.getElementById('engawa')?.shadowRoot?.activeElement?.getAttribute('name'))).toBe('name')
      await name.fill('Aki')
      expect(await name.getAttribute('aria-invalid')).toBeNull()
      // Counted as the server counts: a family emoji is one character, blank lines at the ends are none.
      await body.fill(`\n\n${'a'.repeat(84)}👨‍👩‍👧‍👦\n\n`)
      await expect.poll(() => described(body).then((d) => d.join(' / '))).toContain('15 characters left')
      await body.fill('a'.repeat(101))
      await expect.poll(() => described(body)).toContain('1 character too many')
      // The long comment is folded; "Show more" opens it, by keyboard too.
      const more = page.locator('#engawa button[data-act=fold]')
      await expect.poll(() => more.textContent()).toBe('Show more')
      const folded = await page.locator('#engawa li .body').first().evaluate((el) => el.clientHeight)
      await more.focus()
      await page.keyboard.press('Enter')
      await expect.poll(() => more.getAttribute('aria-expanded')).toBe('true')
      expect(await page.locator('#engawa li .body').first().evaluate((el) => el.clientHeight)).toBeGreaterThan(folded)
      expect(await more.textContent()).toBe('Show less')
    })

    it('puts a new comment on an oldest-first thread with more pages after what is loaded, marked, and keeps it findable after a reload', async () => {
      const s = await setUp(database())
      for (let i = 1; i <= 25; i++) await s.post(`Older ${i}`)
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('25 comments')
      await page.fill('#engawa input[name=name]', 'Aki')
      await page.fill('#engawa textarea', 'Newest of all')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => heading(page)).toBe('26 comments')
      const top = page.locator('#engawa section > div > ol').first()
      // Not among the 20 loaded: after them, with a note, marked as the reader's.
      expect(await top.locator('> li').count()).toBe(20)
      expect(await top.textContent()).not.toContain('Newest of all')
      const note = page.locator('#engawa p:text("Your comment is shown here")')
      expect(await note.isVisible()).toBe(true)
      const mineLater = page.locator('#engawa li:has-text("Newest of all")')
      expect(await mineLater.locator('.bd').textContent()).toBe('you')
      // Loading the rest puts it in date order, last, and the note goes.
      await page.click('#engawa button:text("Load more comments")')
      await expect.poll(() => top.locator('> li').count()).toBe(26)
      expect(await top.locator('> li').last().textContent()).toContain('Newest of all')
      expect(await note.isVisible()).toBe(false)
      // After a reload page 1 does not hold it; a link does, and its permalink opens it.
      await page.reload()
      await expect.poll(() => heading(page)).toBe('26 comments')
      const link = page.locator('#engawa a:text("Show it")')
      await expect.poll(() => link.count()).toBe(1)
      await link.click()
      await expect.poll(() => page.locator('#engawa li.hl').textContent()).toContain('Newest of all')
    })

    it('draws each author as initials on their colour, asking no third party', async () => {
      const s = await setUp(database())
      await s.post('One', { author: { name: 'Aki Tanaka' } })
      await s.post('Two', { author: { name: '佐藤 (弁護士)' } })
      const page = await s.open()
      const requests: string[] = []
      page.on('request', (r) => requests.push(new URL(r.url()).hostname))
      await page.reload()
      await expect.poll(() => page.locator('#engawa .av').count()).toBe(2)
      expect(await page.locator('#engawa .av').allTextContents()).toEqual(['AT', '佐弁'])
      const colours = await page.locator('#engawa .av').evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor))
      expect(colours[0]).not.toBe(colours[1])
      expect(await page.locator('#engawa .av').first().getAttribute('aria-hidden')).toBe('true')
      expect(new Set(requests)).toEqual(new Set(['127.0.0.1', '127.0.0.2']))
    })
  })

  describe.skipIf(!browserAvailability().available)('the widget when the embed is set up wrongly', () => {
    it('says so to readers, and to the site owner in the console: an unknown data-site names the id', async () => {
      const s = await setUp(database())
      const page = await s.open({ attrs: '', body: `<script src="${s.engawa.origin}/embed.js" data-site="no-such-site" async></script>` })
      await expect.poll(() => page.locator('#engawa [role=alert]').textContent()).toBe('Comments cannot be shown on this page. If this is your site, the browser console says why.')
      await expect.poll(() => consoleErrors(page).join('\n')).toContain('There is no site with id "no-such-site"')
    })

    it('names the origin that is not allowed, and the allowed one it nearly is (https for http)', async () => {
      const s = await setUp(database())
      const https = s.host.origin.replace('http:', 'https:')
      await database().db.updateTable('sites').set({ allowed_origins: ['https://blog.example', https] }).where('id', '=', s.site).execute()
      const page = await s.open()
      await expect.poll(() => page.locator('#engawa [role=alert]').textContent()).toMatch(/^Comments cannot be shown on this page/)
      await expect.poll(() => consoleErrors(page).join('\n')).toContain(`does not allow pages on ${s.host.origin} (it allows ${https}). Its owner can add ${s.host.origin}`)
      expect(consoleErrors(page).join('\n')).not.toContain('blog.example')
    })

    it('says a comment is too large to send (413), keeping the text', async () => {
      const s = await setUp(database(), { maxCommentLength: 50_000 })
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('0 comments')
      const huge = '😀'.repeat(20_000)
      await page.fill('#engawa input[name=name]', 'Aki')
      await page.fill('#engawa textarea', huge)
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => page.locator('#engawa form > .err[role=alert]').textContent()).toBe('Your comment is too large to send. Shorten it and try again.')
      expect(consoleErrors(page).join('\n')).toContain('larger than 64 KiB')
      expect((await page.locator('#engawa textarea').first().inputValue()).length).toBe(huge.length)
    })
  })

  describe.skipIf(!browserAvailability().available)('the new controls, accessible', () => {
    it('keep axe-core clean in light and dark, signed out and signed in, with a menu, a report form and a countdown open; Japanese throughout', async () => {
      const s = await setUp(database())
      const { id } = await s.post(Array.from({ length: 30 }, (_, i) => `Line ${i + 1}`).join('\n\n'))
      for (const [lang, theme] of [['en', 'light'], ['ja', 'dark']] as const) {
        const token = await s.readerToken(`Reader ${lang}`)
        for (const session of [undefined, token]) {
          // The widget follows the page: a dark page gets the dark widget.
          const page = await s.open({ lang, css: theme === 'dark' ? 'html{color-scheme:dark}body{background:#121212;color:#eee}' : '', session })
          await expect.poll(() => page.locator('#engawa section').getAttribute('class')).toBe(theme === 'dark' ? 'e dark' : 'e')
          await expect.poll(() => page.locator('#engawa .av').count()).toBeGreaterThan(0)
          if (session) {
            await page.fill('#engawa textarea', lang === 'ja' ? '私のコメント' : 'Mine')
            await page.click(`#engawa button:text("${lang === 'ja' ? 'コメントを投稿' : 'Post comment'}")`)
            await expect.poll(() => page.locator('#engawa [data-until]').count()).toBe(1)
          }
          await comment(page, id).locator('button[data-act=menu]').click()
          await page.locator('#engawa [role=menuitem]').waitFor()
          expect(await serious(page)).toEqual([])
          await page.locator('#engawa [role=menuitem]').click()
          await expect.poll(() => comment(page, id).locator('legend').textContent()).toBe(lang === 'ja' ? 'このコメントを報告する理由' : 'Why report this comment?')
          if (lang === 'ja') expect(await page.locator('#engawa button[data-act=fold]').textContent()).toBe('もっと見る')
          expect(await serious(page)).toEqual([])
          // The README's picture of it: a reader's own comment with its time to edit, and a report being written.
          if (backend === 'pglite' && lang === 'en' && session) {
            await page.setViewportSize({ width: 760, height: 900 })
            await comment(page, id).scrollIntoViewIfNeeded()
            await page.screenshot({ path: new URL('./screenshots/widget-reader.png', import.meta.url).pathname })
          }
          await page.close()
        }
      }
    })
  })
})
