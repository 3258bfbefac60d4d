import { CONTENT_SECURITY_POLICY as AUTH_PAGES_POLICY } from '../auth/pages/layout.ts'
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Viewer } from './viewer.ts'

/**
 * The dashboard is server-rendered HTML plus one script and one stylesheet from /static:
 * nothing inline (no <script>, no <style>, no style="" attributes), so the policy can forbid
 * all of it, and a comment's HTML that slipped past the sanitiser could still run nothing.
 * Images may come from any https host: moderators judge the pictures readers would see
 * (they load lazily and without a Referer, as in the widget).
 */
// Engawa's own pages' policy, with images from anywhere on https: comments may show them.
const CONTENT_SECURITY_POLICY = AUTH_PAGES_POLICY.replace("img-src 'self'", "img-src 'self' https:")

/** How many sites the header names before it points to the full list. */
const SITES_IN_HEADER = 6

export function sendPage(c: Context, node: Child, status: ContentfulStatusCode = 200) {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
  c.header('X-Content-Type-Options', 'nosniff')
  return c.html(html`<!doctype html>${node}`, status)
}

export function Layout(props: { title: string; viewer: Viewer; current?: string; children: Child }) {
  const { viewer } = props
  const account = viewer.kind === 'account' ? viewer : undefined
  const sites = account?.sites ?? []
  const here = (href: string) => (props.current === href ? 'page' : undefined)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${props.title} · Engawa`}</title>
        <link rel="stylesheet" href="/static/dashboard.css" />
        <script src="/static/dashboard.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to the content
        </a>
        <header class="top">
          <a class="brand" href="/admin">
            Engawa
          </a>
          {account && (
            <nav aria-label="Dashboard">
              <ul>
                <li>
                  <a href="/admin" aria-current={here('/admin')}>
                    Queue
                  </a>
                </li>
                {sites.slice(0, SITES_IN_HEADER).map((s) => (
                  <li>
                    <a href={`/admin/sites/${s.id}`} aria-current={here(`/admin/sites/${s.id}`)}>
                      {s.name}
                    </a>
                  </li>
                ))}
                {sites.length > SITES_IN_HEADER && (
                  <li>
                    <a href="/admin#sites">All {sites.length} sites</a>
                  </li>
                )}
                {account.mayCreateSites && (
                  <li>
                    <a href="/admin/sites/new" aria-current={here('/admin/sites/new')}>
                      New site
                    </a>
                  </li>
                )}
              </ul>
            </nav>
          )}
          {account && (
            <div class="who">
              <a href="/auth/account"><bdi>{account.user.display_name}</bdi></a>
              <button type="button" class="quiet" id="sign-out">
                Sign out
              </button>
            </div>
          )}
        </header>
        <main id="main" tabindex={-1}>
          <p class="problem" role="alert" id="problem" hidden></p>
          {props.children}
        </main>
        <p class="announce" role="status" id="announce"></p>
      </body>
    </html>
  )
}

/** The tabs of one site's pages. */
export function SiteNav(props: { siteId: string; current: 'overview' | 'search' | 'bans' | 'audit' | 'settings' }) {
  const base = `/admin/sites/${props.siteId}`
  const tabs = [
    ['overview', base, 'Overview'],
    ['queue', `/admin?site=${props.siteId}`, 'Queue'],
    ['search', `${base}/search`, 'Search'],
    ['bans', `${base}/bans`, 'Bans'],
    ['audit', `${base}/audit`, 'Audit log'],
    ['settings', `${base}/settings`, 'Settings'],
  ] as const
  return (
    <nav class="tabs" aria-label="This site">
      <ul>
        {tabs.map(([key, href, label]) => (
          <li>
            <a href={href} aria-current={key === props.current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** A page that only says something: no site, not allowed, not signed in the right way. */
export function Notice(props: { title: string; viewer: Viewer; children: Child }) {
  return (
    <Layout title={props.title} viewer={props.viewer}>
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  )
}
