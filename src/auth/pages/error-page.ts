import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { page } from './layout.ts'

/** A browser opening a page (a link followed, an address typed), not a script asking the API: its errors are pages too. */
export function opensPage(c: Context): boolean {
  return c.req.method === 'GET' && !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html')
}

const HEADINGS: Partial<Record<ContentfulStatusCode, string>> = {
  401: 'Sign in first',
  403: 'Not for this account',
  404: 'Nothing here',
  429: 'Too many requests',
  503: 'Engawa is away for a moment',
}

/** An error as a small page: what happened, in the API's words, and the ways on. */
export function errorPage(c: Context, status: ContentfulStatusCode, message: string) {
  const heading = HEADINGS[status] ?? 'Something went wrong'
  const body = html`<main>
  <h1>${heading}</h1>
  <p>${message}</p>
  <p class="links"><a href="/">Engawa</a> · <a href="/admin">The dashboard</a></p>
</main>`
  return page(c, `Engawa: ${heading}`, body, { status, script: false })
}
