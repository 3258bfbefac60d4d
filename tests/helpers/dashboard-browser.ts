import type { Page } from 'playwright-core'
import type { BrowserHandle } from './browser.ts'

/**
 * A page signed in to the dashboard (its session cookie set on Engawa's origin) that keeps every
 * script error, CSP refusal and failed request (the browser's own favicon guess aside).
 */
export async function signedInPage(browser: BrowserHandle | undefined, origin: string, cookie: string): Promise<Page> {
  const page = (await browser?.newPage()) as Page
  const [name = '', value = ''] = cookie.split('=')
  await page.context().addCookies([{ name, value, url: origin, httpOnly: true, sameSite: 'Lax' }])
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') problems.push(`${r.status()} ${r.url()}`)
  })
  Object.assign(page, { problems })
  return page
}

/** What went wrong on a page from signedInPage. */
export const problemsOf = (page: Page) => (page as unknown as { problems: string[] }).problems
