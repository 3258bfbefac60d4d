import { createHmac } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createApiToken } from '../../src/auth/api-tokens.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { browserAvailability } from '../helpers/browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'
import { heading, widgetTests } from '../helpers/widget-page.ts'

const { setUp, closers, closeServers } = widgetTests()

forEachBackend((database) => {
  // Before the backend closes its database: servers and their LISTEN go first.
  afterAll(closeServers)
  describe.skipIf(!browserAvailability().available)('the widget in someone else’s page', () => {
    it('reads a seeded thread: nesting, tombstones, and hostile Markdown that stays inert', async () => {
      const s = await setUp(database())
      const root = await s.post('A **first** comment')
      await s.post('A reply', { parentId: root.id })
      await s.post('<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))')
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('3 comments')
      expect(await page.locator('#engawa li li .body').first().textContent()).toContain('A reply')
      expect(await page.locator('#engawa strong').first().textContent()).toBe('first')
      const hostile = page.locator('#engawa li').nth(2)
      expect(await hostile.locator('script, img, a[href^="javascript"]').count()).toBe(0)
      expect((page as unknown as { dialogs: string[] }).dialogs).toEqual([])
      const feed = await page.locator('#engawa a[type="application/atom+xml"]').getAttribute('href')
      expect(feed).toBe(`${s.engawa.origin}/api/v1/sites/${s.site}/feed.atom?url=${encodeURIComponent(`${s.host.origin}/`)}`)
      const atom = await (await fetch(feed ?? '')).text()
      expect(atom).toContain('<content type="html">&lt;p&gt;A &lt;strong&gt;first&lt;/strong&gt; comment&lt;/p&gt;</content>')
    })

    it('posts as a guest, replies inline, edits and deletes its own comment, keeping the draft over a reload', async () => {
      const s = await setUp(database())
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('0 comments')
      await page.fill('#engawa input[name=name]', 'Aki')
      await page.fill('#engawa textarea', 'Kept across a reload')
      await page.reload()
      await expect.poll(() => page.locator('#engawa textarea').first().inputValue()).toBe('Kept across a reload')
      expect(await page.locator('#engawa input[name=name]').inputValue()).toBe('Aki')
      await page.fill('#engawa textarea', 'Hello from **the widget**')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => heading(page)).toBe('1 comment')
      expect(await page.locator('#engawa li .body strong').textContent()).toBe('the widget')
      // Focus moves to the new comment, so a keyboard or screen-reader user lands on what they wrote.
      expect(await page.evaluate(() => document.getElementById('engawa')?.shadowRoot?.activeElement?.tagName)).toBe('ARTICLE')
      expect(await page.locator('#engawa textarea').first().inputValue()).toBe('')

      await page.click('#engawa li button:text("Reply")')
      await page.fill('#engawa li textarea', 'An inline reply')
      await page.click('#engawa li button:text("Post reply")')
      await expect.poll(() => page.locator('#engawa li li .body').first().textContent()).toContain('An inline reply')

      const reply = page.locator('#engawa li li').first()
      await reply.locator('button:text("Edit")').click()
      await reply.locator('textarea').fill('An edited reply')
      await reply.locator('button:text("Save")').click()
      await expect.poll(() => reply.locator('.body').textContent()).toContain('An edited reply')
      await reply.locator('button:text("Delete")').click()
      await expect.poll(() => page.locator('#engawa li li').count()).toBe(0)
      await expect.poll(() => heading(page)).toBe('1 comment')
      // The tab's next read asks for the thread as the deletion left it (a read replica behind it is passed over).
      const reread = page.waitForRequest((r) => r.url().includes('/thread?'))
      await page.reload()
      const { version } = await database().db.selectFrom('threads').select('version').where('site_id', '=', s.site).executeTakeFirstOrThrow()
      expect(new URL((await reread).url()).searchParams.get('version')).toBe(String(version))
      await expect.poll(() => heading(page)).toBe('1 comment')
    })

    it('posts once when the answer to a post is lost: it retries with the same Idempotency-Key and gets the stored comment', async () => {
      const s = await setUp(database())
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('0 comments')
      const keys: string[] = []
      // The first post reaches Engawa and is stored, but the browser is told 503, as when the
      // database went away between storing it and answering.
      await page.route(`${s.engawa.origin}/api/v1/sites/${s.site}/comments`, async (route) => {
        if (route.request().method() !== 'POST') return route.continue()
        keys.push(route.request().headers()['idempotency-key'] ?? '')
        const stored = await route.fetch()
        if (keys.length > 1) return route.fulfill({ response: stored })
        await stored.body()
        return route.fulfill({
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '1', 'access-control-allow-origin': s.host.origin, 'access-control-expose-headers': 'Retry-After' },
          body: JSON.stringify({ error: { code: 'unavailable', message: 'Engawa is briefly unavailable; try again in a few seconds.' } }),
        })
      })
      await page.fill('#engawa input[name=name]', 'Aki')
      await page.fill('#engawa textarea', 'Sent through a lost answer')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => heading(page)).toBe('1 comment')
      expect(keys).toHaveLength(2)
      expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
      expect(keys[1]).toBe(keys[0])
      const rows = await database().db.selectFrom('comments').select('id').where('site_id', '=', s.site).execute()
      expect(rows).toHaveLength(1)
      await page.reload()
      await expect.poll(() => heading(page)).toBe('1 comment')
    })

    it('loads more comments and more replies, sorts, and folds a sub-thread away', async () => {
      const s = await setUp(database())
      const first = await s.post('The first of many')
      for (let i = 0; i < 12; i++) await s.post(`Reply ${i}`, { parentId: first.id })
      for (let i = 1; i < 25; i++) await s.post(`Top-level ${i}`)
      const page = await s.open()
      const topLevel = page.locator('#engawa section > div > ol > li')
      await expect.poll(() => topLevel.count()).toBe(20)
      await page.click('#engawa button:text("Load more comments")')
      await expect.poll(() => topLevel.count()).toBe(25)
      const branch = page.locator(`#engawa li[data-id="${first.id}"] > ol > li`)
      expect(await branch.count()).toBe(10)
      await page.click(`#engawa li[data-id="${first.id}"] > button:text("Show more replies")`)
      await expect.poll(() => branch.count()).toBe(12)
      const fold = page.locator(`#engawa li[data-id="${first.id}"] > article button:text("Hide replies")`)
      await fold.click()
      expect(await page.locator(`#engawa li[data-id="${first.id}"] > ol`).isHidden()).toBe(true)
      expect(await page.locator(`#engawa li[data-id="${first.id}"] > article button[data-act=toggle]`).getAttribute('aria-expanded')).toBe('false')
      await page.selectOption('#engawa select', 'newest')
      await expect.poll(() => topLevel.first().locator('.body').textContent()).toContain('Top-level 24')
    })

    it('follows a permalink to a comment beyond the first page, in one request, and highlights it', async () => {
      const s = await setUp(database())
      const ids: string[] = []
      for (let i = 0; i < 25; i++) ids.push((await s.post(`Comment number ${i}`)).id)
      const target = ids[23] as string
      const page = await s.open({ hash: `#engawa-comment-${target}` })
      const item = page.locator(`#engawa li[data-id="${target}"]`)
      await expect.poll(() => item.getAttribute('class')).toBe('hl')
      expect(await item.locator('.body').textContent()).toContain('Comment number 23')
      const reads = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/thread?')).length)
      expect(reads).toBe(1)
    })

    it('speaks Japanese from the page language, and Enter during IME composition never submits', async () => {
      const s = await setUp(database())
      await s.post('最初のコメント')
      const page = await s.open({ lang: 'ja' })
      await expect.poll(() => heading(page)).toBe('コメント 1 件')
      let posts = 0
      page.on('request', (request) => void (request.method() === 'POST' && request.url().endsWith('/comments') && posts++))
      const name = page.locator('#engawa input[name=name]')
      await name.fill('さくら')
      const text = page.locator('#engawa textarea').first()
      await text.fill('変換中の文章')
      await text.evaluate((el) => {
        el.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }))
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, isComposing: true, bubbles: true }))
        el.dispatchEvent(new CompositionEvent('compositionend', { data: '文章' }))
      })
      await name.press('Enter')
      await text.press('Control+Enter')
      await expect.poll(() => heading(page)).toBe('コメント 2 件')
      // A submit fetches at once, within the key's own event: had Enter (or Ctrl+Enter while composing)
      // posted, there would be two posts by now, and the thread would hold three comments.
      expect(posts).toBe(1)
      expect(await database().db.selectFrom('comments').select('id').where('site_id', '=', s.site).execute()).toHaveLength(2)
    })

    it('lets a guest ask for reply mail in Japanese: the address gets only its confirmation, and once confirmed the same browser needs no other', async () => {
      const s = await setUp(database())
      const page = await s.open({ lang: 'ja' })
      await expect.poll(() => heading(page)).toBe('コメント 0 件')
      await page.fill('#engawa input[name=name]', 'さくら')
      await page.fill('#engawa textarea', '返信を待っています')
      expect(await page.locator('#engawa input[type=email]').isHidden()).toBe(true)
      await page.click('#engawa label:text("返信をメールで受け取る")')
      const address = `sakura-${Date.now()}@mail.example`
      await page.fill('#engawa input[type=email]', address)
      await page.click('#engawa button:text("コメントを投稿")')
      await expect.poll(() => heading(page)).toBe('コメント 1 件')
      const said = () => page.locator('#engawa div.sr[aria-live]').textContent()
      await expect.poll(said).toContain('お送りしたメールのリンクを押してください')
      // Sighted readers see it under their comment, where focus went.
      expect(await page.locator('#engawa li article .hint').textContent()).toBe('返信をメールで受け取るには、お送りしたメールのリンクを押してください（ブラウザごとに一度だけ）。')
      const mails = () => database().db.selectFrom('outbox_mails').select(['subject', 'body_text']).where('to_address', '=', address).execute()
      expect((await mails()).map((m) => m.subject)).toEqual(['「Widget blog」のコメント通知を確認してください'])

      const link = /https?:\/\/\S+\/api\/v1\/notifications\/confirm\?\S+/.exec((await mails())[0]?.body_text ?? '')?.[0] ?? ''
      const confirmed = await fetch(link, { method: 'POST' })
      expect(confirmed.status).toBe(200)
      await page.reload()
      await expect.poll(() => heading(page)).toBe('コメント 1 件')
      await page.fill('#engawa textarea', 'もう一つ')
      await page.click('#engawa label:text("返信をメールで受け取る")')
      await page.fill('#engawa input[type=email]', address)
      await page.click('#engawa button:text("コメントを投稿")')
      await expect.poll(() => heading(page)).toBe('コメント 2 件')
      await expect.poll(said).toBe('コメントを投稿しました。返信はメールでお知らせします。')
      expect(await page.locator('#engawa li article .hint').allTextContents()).toEqual(['返信はメールでお知らせします。'])
      expect(await mails()).toHaveLength(1)
      // The widget keeps the key, never the address: the host page's scripts read the same storage.
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }))
      expect(stored).toContain(':notify')
      expect(stored).not.toContain(address)
    })

    it('signs in through the popup and votes, with third-party cookies blocked', async () => {
      const s = await setUp(database())
      const { id } = await s.post('Vote for me')
      await s.post('And me, later')
      const email = `voter-${Date.now()}@mail.example`
      await signUpOver(s.engawa.origin, database(), email, 'Voter')
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('2 comments')
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#engawa button:text("Sign in")')])
      await popup.fill('[data-view=login] input[name=email]', email)
      await popup.fill('[data-view=login] input[name=password]', 'correct horse battery staple')
      await popup.click('button:text("Sign in")')
      await expect.poll(() => page.locator('#engawa section').textContent()).toContain('Signed in as Voter')
      // A signed-in reader may follow the thread by email.
      await page.click('#engawa button:text("Follow this thread by email")')
      await expect.poll(() => page.locator('#engawa button[aria-pressed="true"]').textContent()).toBe('Following this thread by email')
      const up = page.locator(`#engawa li[data-id="${id}"] button[aria-label="Vote up"]`)
      await up.click()
      await expect.poll(() => page.locator(`#engawa li[data-id="${id}"] .sc`).textContent()).toBe('1')
      expect(await page.locator(`#engawa li[data-id="${id}"] button[aria-label="Vote up"]`).getAttribute('aria-pressed')).toBe('true')
      expect(await page.locator('#engawa select[data-mod]').count()).toBe(0)
      await page.reload()
      await expect.poll(() => page.locator(`#engawa li[data-id="${id}"] button[aria-label="Vote up"]`).getAttribute('aria-pressed')).toBe('true')
      // Every comment shown before the account was known gains its vote buttons.
      expect(await page.locator('#engawa button[aria-label="Vote up"]').count()).toBe(2)
    })

    it("lets a site's moderator hide a comment in place and close the thread; a second reader sees both", async () => {
      const s = await setUp(database())
      await s.post('Keep me')
      const { id } = await s.post('Hide me')
      const email = `mod-${Date.now()}@mail.example`
      await signUpOver(s.engawa.origin, database(), email, 'Voter')
      await setSiteRole(database().db, s.site, email, 'moderator')
      const page = await s.open()
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#engawa button:text("Sign in")')])
      await popup.fill('[data-view=login] input[name=email]', email)
      await popup.fill('[data-view=login] input[name=password]', 'correct horse battery staple')
      await popup.click('button:text("Sign in")')
      const menu = page.locator(`#engawa li[data-id="${id}"] select[data-mod]`)
      await expect.poll(() => menu.count()).toBe(1)
      await menu.focus()
      await menu.selectOption('hide')
      await expect.poll(() => heading(page)).toBe('1 comment')
      await expect.poll(() => page.locator(`#engawa li[data-id="${id}"] .note`).textContent()).toBe('Hidden by a moderator.')
      await page.click('#engawa button:text("Close comments")')
      await expect.poll(() => page.locator('#engawa button:text("Reopen comments")').count()).toBe(1)
      const second = await s.open()
      await expect.poll(() => heading(second)).toBe('1 comment')
      const section = second.locator('#engawa section')
      await expect.poll(() => section.textContent()).toContain('Hidden by a moderator.')
      expect(await section.textContent()).not.toContain('Hide me')
      expect(await section.textContent()).toContain('This discussion is closed to new comments.')
      expect(await second.locator('#engawa textarea').count()).toBe(0)
      const audit = await database().db.selectFrom('moderation_actions').select(['action', 'target_id']).where('site_id', '=', s.site).orderBy('created_at').execute()
      expect(audit.map((a) => a.action)).toEqual(['hide', 'lock'])
      expect(audit[0]?.target_id).toBe(id)
      // Banning a guest asks first, and says a guest is known by their network.
      const keep = page.locator('#engawa li:has-text("Keep me") select[data-mod]')
      await keep.selectOption('ban7')
      const dialogs = (page as unknown as { dialogs: string[] }).dialogs
      await expect.poll(() => dialogs.at(-1)).toBe('Ban author for 7 days?\nA guest is known by their network, not their name: every guest commenting from it is included.')
      await expect.poll(async () => (await database().db.selectFrom('bans').select('author').where('site_id', '=', s.site).execute()).length).toBe(1)
    })

    it('shows what moderators and authors do elsewhere without a reload: a hidden comment becomes a tombstone, a deleted one goes, an edit changes the text, an approval is announced, a lock closes the composer', async () => {
      const s = await setUp(database())
      const email = `owner-${Date.now()}@mail.example`
      await signUpOver(s.engawa.origin, database(), email, 'Owner')
      await setSiteRole(database().db, s.site, email, 'owner')
      const owner = await database().db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()
      const { token } = await createApiToken(database().db, { siteId: s.site, name: 'test', scope: 'moderate', createdBy: owner.id, expiresAt: null }, new Date())
      await database().db.updateTable('sites').set({ blocked_words: ['casino'] }).where('id', '=', s.site).execute()
      const call = (method: string, path: string, body?: object, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
        fetch(`${s.engawa.origin}/api/v1/${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) })
      const postAsGuest = async (body: string) => {
        const res = await call('POST', `sites/${s.site}/comments`, { thread: { url: `${s.host.origin}/` }, author: { name: 'Guest' }, body }, {})
        expect(res.status).toBe(201)
        return (await res.json()) as { comment: { id: string }; editToken: string }
      }
      const hide = await postAsGuest('Hide me')
      const gone = await postAsGuest('Delete me')
      const edit = await postAsGuest('Before the edit')
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('3 comments')
      // Nothing below reloads the page: this mark would be gone.
      await page.evaluate(() => Object.assign(window, { stillHere: true }))
      const item = (id: string) => page.locator(`#engawa li[data-id="${id}"]`)

      expect((await call('POST', `moderation/sites/${s.site}/comments/${hide.comment.id}`, { action: 'hide' })).status).toBe(200)
      await expect.poll(() => item(hide.comment.id).locator('.note').textContent()).toBe('Hidden by a moderator.')
      expect(await item(hide.comment.id).textContent()).not.toContain('Hide me')
      await expect.poll(() => heading(page)).toBe('2 comments')

      expect((await call('DELETE', `sites/${s.site}/comments/${gone.comment.id}`, undefined, { 'x-edit-token': gone.editToken })).status).toBe(200)
      await expect.poll(() => item(gone.comment.id).count()).toBe(0)
      await expect.poll(() => heading(page)).toBe('1 comment')

      // A reader halfway through a reply to the comment being edited keeps what they wrote.
      await item(edit.comment.id).locator('button:text("Reply")').click()
      await item(edit.comment.id).locator('textarea').fill('My half-written reply')
      expect((await call('PATCH', `sites/${s.site}/comments/${edit.comment.id}`, { body: 'After the **edit**' }, { 'x-edit-token': edit.editToken })).status).toBe(200)
      await expect.poll(() => item(edit.comment.id).locator(':scope > article > .body').textContent()).toBe('After the edit')
      expect(await item(edit.comment.id).locator(':scope > article > .body strong').textContent()).toBe('edit')
      expect(await item(edit.comment.id).locator('textarea').inputValue()).toBe('My half-written reply')

      const held = await postAsGuest('A casino, held for review')
      expect(await item(held.comment.id).count()).toBe(0)
      expect((await call('POST', `moderation/sites/${s.site}/comments/${held.comment.id}`, { action: 'approve' })).status).toBe(200)
      await expect.poll(() => page.locator('#engawa button.new').textContent()).toBe('Show 1 new comment')

      expect(await page.locator('#engawa textarea').count()).toBe(2)
      expect((await call('POST', `moderation/sites/${s.site}/threads/lock`, { url: `${s.host.origin}/`, locked: true })).status).toBe(200)
      await expect.poll(() => page.locator('#engawa textarea').count()).toBe(1)
      expect(await page.locator('#engawa section').textContent()).toContain('This discussion is closed to new comments.')
      expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true)
    })

    it("signs the host site's own user in from data-sso, with third-party cookies blocked", async () => {
      const s = await setUp(database())
      const secret = 'a-secret-the-site-server-keeps-0123456789'
      await database().db.updateTable('sites').set({ sso_secret: secret }).where('id', '=', s.site).execute()
      const now = Math.floor(Date.now() / 1000)
      const body = Buffer.from(JSON.stringify({ id: 'host-1', name: 'Kumiko', site: s.site, iat: now, exp: now + 300, nonce: crypto.randomUUID() })).toString('base64url')
      const token = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
      const page = await s.open({ attrs: `data-sso="${token}"` })
      await expect.poll(() => page.locator('#engawa section').textContent()).toContain('Signed in as Kumiko')
      await page.fill('#engawa textarea', 'Through my blog account')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => heading(page)).toBe('1 comment')
      expect(await page.locator('#engawa li .au').textContent()).toBe('Kumiko')

      // The page again from a cache, with the token already used: still signed in, no error.
      await page.reload()
      await expect.poll(() => page.locator('#engawa section').textContent()).toContain('Signed in as Kumiko')
      expect(await page.locator('#engawa .sr').textContent()).toBe('')
      expect(await page.locator('#engawa .err:visible').count()).toBe(0)
      // A single-page site signs its user out and in again without a reload.
      const account = page.locator('#engawa section')
      await page.evaluate(() => (window as unknown as { Engawa: { signOut(): Promise<void> } }).Engawa.signOut())
      await expect.poll(() => account.textContent()).not.toContain('Signed in as Kumiko')
      const next = Buffer.from(JSON.stringify({ id: 'host-1', name: 'Kumiko', site: s.site, iat: now, exp: now + 300, nonce: crypto.randomUUID() })).toString('base64url')
      const again = `${next}.${createHmac('sha256', secret).update(next).digest('base64url')}`
      await page.evaluate((t) => (window as unknown as { Engawa: { signInBySso(t: string): Promise<void> } }).Engawa.signInBySso(t), again)
      await expect.poll(() => account.textContent()).toContain('Signed in as Kumiko')
      // Signed out on the host site: the page says so with an empty data-sso, and the session it made ends.
      const sessions = () => database().db.selectFrom('sessions').select('id').where('site_id', '=', s.site).execute()
      expect(await sessions()).toHaveLength(1)
      await (await s.open({ attrs: 'data-sso=""' })).close()
      await page.reload()
      await expect.poll(() => account.textContent()).not.toContain('Signed in as Kumiko')
      await expect.poll(async () => (await sessions()).length).toBe(0)
    })

    it('shows comments posted through another instance as they are pushed (within 6 s, not at the next 15 s poll), behind a notice, without moving the page', async () => {
      const s = await setUp(database())
      for (let i = 0; i < 8; i++) await s.post(`Earlier comment ${i}, long enough to make the page scroll.\n\n${'Words. '.repeat(40)}`)
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('8 comments')
      await page.locator('#engawa textarea').first().waitFor()
      await page.evaluate(() => window.scrollTo(0, 600))
      const other = await serveEngawa(database())
      closers.push(() => other.close())
      const res = await fetch(`${other.origin}/api/v1/sites/${s.site}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ thread: { url: `${s.host.origin}/` }, author: { name: 'Elsewhere' }, body: 'Live from another instance' }),
      })
      expect(res.status).toBe(201)
      const notice = page.locator('#engawa button.new')
      // Pushed, not polled: the widget's fallback poll comes every 15 s.
      await expect.poll(() => notice.textContent(), { timeout: 6000 }).toBe('Show 1 new comment')
      expect(await page.evaluate(() => window.scrollY)).toBe(600)
      expect(await heading(page)).toBe('8 comments')
      await notice.click()
      await expect.poll(() => heading(page)).toBe('9 comments')
      expect(await page.locator('#engawa li').last().textContent()).toContain('Live from another instance')
      expect(await notice.isHidden()).toBe(true)
      expect(await page.locator('#engawa .sr').textContent()).toBe('1 new comment')
    })

    it('says what went wrong in words, and keeps the text: too long, then the network down', async () => {
      const s = await setUp(database(), { maxCommentLength: 20 })
      const page = await s.open()
      await expect.poll(() => heading(page)).toBe('0 comments')
      await page.fill('#engawa input[name=name]', 'Aki')
      await page.fill('#engawa textarea', 'This comment is far longer than twenty characters.')
      // Counted as the server counts, once the site's limit is known.
      await expect.poll(() => page.locator('#engawa form .hint:visible').first().textContent()).toBe('30 characters too many')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => page.locator('#engawa form > .err[role=alert]').textContent()).toBe('Your comment is too long: this site allows 20 characters.')
      expect(await page.locator('#engawa textarea').first().inputValue()).toBe('This comment is far longer than twenty characters.')
      await s.engawa.close()
      await page.fill('#engawa textarea', 'Short one')
      await page.click('#engawa button:text("Post comment")')
      await expect.poll(() => page.locator('#engawa form > .err[role=alert]').textContent()).toMatch(/^Could not reach the comments server/)
      expect(await page.locator('#engawa textarea').first().inputValue()).toBe('Short one')
    })

    it('polls for what came after its page where the server holds no event streams: replies too, and what came before the first poll', async () => {
      const s = await setUp(database(), { live: false })
      const first = await s.post('Already here')
      const page = await s.open({ attrs: 'data-poll-seconds="2"' })
      await expect.poll(() => heading(page)).toBe('1 comment')
      // Posted before any poll: news starts from the page's position, not from the first poll.
      await s.post('Arrived before the first poll')
      await s.post('A reply while polling', { parentId: first.id })
      const notice = page.locator('#engawa button.new')
      await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toBe('Show 2 new comments')
      // Both shown, each in its place (all of them, not only the first).
      await notice.click()
      await expect.poll(() => heading(page)).toBe('3 comments')
      await expect.poll(() => page.locator('#engawa li li .body').allTextContents()).toEqual(['A reply while polling'])
      expect(await page.locator('#engawa li .body').allTextContents()).toContain('Arrived before the first poll')
    })

    it('shows the exact time of a comment on hover and on keyboard focus', async () => {
      const s = await setUp(database())
      await s.post('When was this?')
      const page = await s.open()
      const link = page.locator('#engawa header a').first()
      await expect.poll(() => link.textContent()).toBe('now')
      const exact = (await link.getAttribute('title')) ?? ''
      expect(exact).toMatch(/\d{4}/)
      await page.keyboard.press('Tab')
      await link.focus()
      const shown = await link.evaluate((el) => getComputedStyle(el, '::after').content)
      expect(shown).toContain(exact)
    })

    it('fills comment counts on an article list in one request', async () => {
      const s = await setUp(database())
      await s.post('one')
      await s.post('two')
      const body = `<ul><li>Article <span data-engawa-count="${s.host.origin}/"></span></li>
<li>Other <span data-engawa-count="/nothing-here"></span></li></ul>
<script src="${s.engawa.origin}/count.js" data-site="${s.site}" async></script>`
      const page = await s.open({ body })
      await expect.poll(() => page.locator('span').allTextContents()).toEqual(['2 comments', '0 comments'])
      const requests = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.includes('/counts?')).length)
      expect(requests).toBe(1)
    })

    it('stays usable inside a page with hostile global CSS, and at 320 px', async () => {
      const s = await setUp(database())
      await s.post('Still readable')
      const css = '* { all: unset !important; } button, textarea { display: none !important; color: red !important; }'
      const page = await s.open({ css })
      await page.setViewportSize({ width: 320, height: 800 })
      await expect.poll(() => heading(page)).toBe('1 comment')
      const button = page.locator('#engawa button:text("Post comment")')
      // The composer comes from write.js after the first paint: wait for it, as the tests around it do.
      await expect.poll(() => button.isVisible()).toBe(true)
      const box = await page.locator('#engawa textarea').first().boundingBox()
      expect(box?.width).toBeGreaterThan(200)
      expect(box?.width).toBeLessThanOrEqual(320)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(overflow).toBeLessThanOrEqual(320)
    })
  })
})
