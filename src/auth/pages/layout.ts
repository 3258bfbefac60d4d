import type { Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * Engawa's own small pages (sign-in popup, emailed-link landing) are static HTML and one script
 * from /static: nothing inline, so the policy below can forbid every inline script and style.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ')

/** The headers of every small first-party page: the policy above, never cached, no Referer out. */
function setPageHeaders(c: Context) {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
  c.header('X-Content-Type-Options', 'nosniff')
}

/** A small page with auth.js, another of Engawa's scripts (`/static/….js`), or none (`script: false`, the notification links). */
export function page(
  c: Context,
  title: string,
  body: HtmlEscapedString | Promise<HtmlEscapedString>,
  options: { lang?: string; status?: ContentfulStatusCode; script?: string | false } = {},
) {
  setPageHeaders(c)
  const script = options.script === false ? '' : html`<script src="${options.script ?? '/static/auth.js'}" defer></script>`
  return c.html(
    html`<!doctype html>
<html lang="${options.lang ?? 'en'}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>${title}</title>
    <link rel="stylesheet" href="/static/auth.css" />
    ${script}
  </head>
  <body>
    ${body}
  </body>
</html>`,
    options.status ?? 200,
  )
}
