import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInstanceAdmin } from '../../src/auth/admins.ts'
import { createSite } from '../../src/sites/sites.ts'
import { forEachBackend, type TestDatabase } from '../helpers/backends.ts'
import { browserAvailability, launchBrowser, serveHostPage, signUpInPopup, type BrowserHandle, type LoopbackServer } from '../helpers/browser.ts'
import { serveEngawa, signUpOver } from '../helpers/engawa-server.ts'

// The embedding page's side of sign-in, as the widget does it: open Engawa's popup, take the
// token it posts (from Engawa's origin only, for this site only), keep it in the page's
// storage, send it as a bearer token. No cookie of Engawa's is ever needed here.
const HOST_SCRIPT = `
const params = new URLSearchParams(location.search)
const ENGAWA = params.get('engawa'), SITE = params.get('site')
const status = document.getElementById('status')
const token = () => localStorage.getItem('engawa-token')
const api = (path, init = {}) => fetch(ENGAWA + path, { ...init, headers: { ...init.headers, authorization: 'Bearer ' + token(), 'content-type': 'application/json' } })
async function render() {
  if (!token()) { status.textContent = 'signed out'; return }
  const res = await api('/api/v1/me')
  if (!res.ok) { localStorage.removeItem('engawa-token'); status.textContent = 'signed out'; return }
  status.textContent = 'signed in as ' + (await res.json()).user.displayName
}
window.addEventListener('message', (event) => {
  if (event.origin !== ENGAWA || event.data?.type !== 'engawa:session' || event.data.site !== SITE) return
  localStorage.setItem('engawa-token', event.data.token)
  render()
})
document.getElementById('signin').addEventListener('click', () => {
  window.open(ENGAWA + '/auth/popup?site=' + SITE + '&origin=' + encodeURIComponent(location.origin), 'engawa-signin', 'popup,width=480,height=640')
})
document.getElementById('comment').addEventListener('click', async () => {
  const res = await api('/api/v1/sites/' + SITE + '/comments', { method: 'POST', body: JSON.stringify({ thread: { url: location.origin + '/article' }, body: 'Posted from the article page' }) })
  document.getElementById('posted').textContent = res.status + ' ' + ((await res.json()).comment?.author?.name ?? '')
})
document.getElementById('signout').addEventListener('click', async () => {
  await api('/api/v1/auth/logout', { method: 'POST', body: '{}' })
  localStorage.removeItem('engawa-token')
  render()
})
render()
`
const HOST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>An article</title></head><body>
<h1>An article</h1><p id="status">…</p><p id="posted"></p>
<button id="signin">Sign in</button><button id="comment">Comment</button><button id="signout">Sign out</button>
<script src="/host.js"></script></body></html>`

let browser: BrowserHandle | undefined
let host: LoopbackServer
beforeAll(async () => {
  browser = await launchBrowser()
  host = await serveHostPage({ '/index.html': HOST_PAGE, '/host.js': HOST_SCRIPT })
})
afterAll(async () => {
  await browser?.close()
  await host?.close()
})

async function setUp(database: TestDatabase) {
  const engawa = await serveEngawa(database)
  const site = await createSite(database.db, { name: 'The Article Site', origins: [host.origin] })
  const page = (await browser?.newPage()) as Page
  await page.goto(`${host.origin}/?engawa=${encodeURIComponent(engawa.origin)}&site=${site.id}`)
  await expect.poll(() => page.textContent('#status')).toBe('signed out')
  return { engawa, site, page }
}

async function lastMailLink(database: TestDatabase, to: string): Promise<string> {
  const mail = await database.db.selectFrom('outbox_mails').select('body_text').where('to_address', '=', to).orderBy('created_at', 'desc').executeTakeFirstOrThrow()
  return /(http\S+\/auth\/confirm#\S+)/.exec(mail.body_text ?? '')?.[1] ?? ''
}

forEachBackend((database) => {
  describe.skipIf(!browserAvailability().available)("an admin's setup link", () => {
    it('sets the password, then leads to the dashboard, which opens', async () => {
      const engawa = await serveEngawa(database())
      const { passwordToken } = await createInstanceAdmin(database().db, { email: `admin-${Date.now()}@mail.example`, name: 'Ada' }, new Date())
      const page = (await browser?.newPage()) as Page
      await page.goto(`${engawa.origin}/auth/confirm#reset=${passwordToken}`)
      await page.fill('[data-view=new-password] input[name=password]', 'a long and unusual passphrase')
      await page.click('button:text("Save and sign in")')
      const link = page.locator('#to-dashboard a')
      await link.waitFor()
      expect(await link.getAttribute('href')).toBe('/admin')
      await link.click()
      await page.waitForURL(`${engawa.origin}/admin`)
      expect(await page.locator('h1').first().textContent()).toBeTruthy()
      await engawa.close()
    })
  })

  describe.skipIf(!browserAvailability().available)('signing in from an embedding page, third-party cookies blocked', () => {
    it('signs up in the popup, confirms by the emailed link in another tab, comments, reloads, signs out', async () => {
      const { engawa, page } = await setUp(database())
      const email = `popup-${Date.now()}@mail.example`
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#signin')])
      await signUpInPopup(popup, 'Hana Popup', email)

      // The link opens in another tab of the same browser, as a mail client would open it.
      const link = await lastMailLink(database(), email)
      expect(link.startsWith(`${engawa.origin}/auth/confirm#verify=`)).toBe(true)
      const tab = await popup.context().newPage()
      await tab.goto(link)
      expect(tab.url()).toBe(`${engawa.origin}/auth/confirm`)
      // The browser that signed up needs no password again: the link and its cookie are proof enough.
      await tab.click('text=Confirm and sign in')
      await tab.waitForSelector('text=You are signed in')
      expect(await tab.isHidden('#verify-password')).toBe(true)
      // The popup heard it from the tab and asks the reader to go on as that account.
      await popup.click('button:text("Continue as Hana Popup")')

      await expect.poll(() => page.textContent('#status')).toBe('signed in as Hana Popup')
      await page.click('#comment')
      await expect.poll(() => page.textContent('#posted')).toBe('201 Hana Popup')
      await page.reload()
      await expect.poll(() => page.textContent('#status')).toBe('signed in as Hana Popup')
      const token = await page.evaluate(() => localStorage.getItem('engawa-token'))
      await page.click('#signout')
      await expect.poll(() => page.textContent('#status')).toBe('signed out')
      const after = await fetch(`${engawa.origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })
      expect(after.status).toBe(401)
      await engawa.close()
    })

    it('signs in with a password in the popup, and the token works for that site only', async () => {
      const { engawa, page, site } = await setUp(database())
      const email = `password-${Date.now()}@mail.example`
      await signUpOver(engawa.origin, database(), email, 'Ken')
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#signin')])
      await popup.fill('[data-view=login] input[name=email]', email)
      await popup.fill('[data-view=login] input[name=password]', 'correct horse battery staple')
      await Promise.all([popup.waitForEvent('close'), popup.click('button:text("Sign in")')])
      await expect.poll(() => page.textContent('#status')).toBe('signed in as Ken')
      const token = await page.evaluate(() => localStorage.getItem('engawa-token'))
      const other = await createSite(database().db, { name: 'Another', origins: ['https://another.example'] })
      const elsewhere = await fetch(`${engawa.origin}/api/v1/sites/${other.id}/comments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ thread: { url: 'https://another.example/a' }, body: 'hi' }),
      })
      expect(elsewhere.status).toBe(401)
      expect(site.id).not.toBe(other.id)
      // The popup's cookie is first-party to Engawa and never travels with the article's requests.
      const cookies = await page.context().cookies(engawa.origin)
      expect(cookies.map((c) => [c.name, c.sameSite, c.httpOnly])).toEqual([['engawa_session', 'Lax', true]])
      await engawa.close()
    })
  })
})

forEachBackend((database) => {
  describe.skipIf(!browserAvailability().available)('the account page', () => {
    it('changes the password, downloads the data and deletes the account', async () => {
      const engawa = await serveEngawa(database())
      const email = `account-${Date.now()}@mail.example`
      await signUpOver(engawa.origin, database(), email, 'Ken')
      const page = (await browser?.newPage()) as Page
      await page.goto(`${engawa.origin}/auth/popup`)
      await page.fill('[data-view=login] input[name=email]', email)
      await page.fill('[data-view=login] input[name=password]', 'correct horse battery staple')
      await page.click('button:text("Sign in")')
      await page.click('text=Your account')
      await page.waitForSelector('h1:text("Your account")')
      await page.fill('input[name=currentPassword]', 'correct horse battery staple')
      await page.fill('input[name=newPassword]', 'an even better passphrase')
      await page.click('button:text("Change password")')
      await page.waitForSelector('text=Password changed')
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download everything')])
      const exported = JSON.parse(await streamText(await download.createReadStream()))
      expect(exported.account.email).toBe(email)
      page.once('dialog', (dialog) => void dialog.accept())
      await page.fill('#delete-form input[name=password]', 'an even better passphrase')
      await page.click('button:text("Delete my account")')
      await page.waitForSelector('text=Your account has been deleted.')
      const gone = await database().db.selectFrom('users').select('id').where('email', '=', email).execute()
      expect(gone).toEqual([])
      await engawa.close()
    })
  })
})

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += chunk
  return text
}
