import { Hono, type Context } from 'hono'
import { z } from '@hono/zod-openapi'
import type { SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { text } from '../http/text.ts'
import { authorStanding } from '../moderation/authors.ts'
import { AuthorKey, moderatedToJson } from '../moderation/moderated-json.ts'
import { readQueue, searchComments, type QueueSort } from '../moderation/queries.ts'
import { embedSnippet } from '../sites/sites.ts'
import { readInstallCheck } from '../sites/install-check.ts'
import { readActivity } from './activity.ts'
import { AuthorPage } from './author-page.tsx'
import { Notice, sendPage } from './layout.tsx'
import { OverviewPage } from './overview-page.tsx'
import { NewSitePage } from './new-site-page.tsx'
import { NoSitesPage, QueuePage } from './queue-page.tsx'
import { AuditPage, BansPage } from './records-pages.tsx'
import { SEARCH_STATUSES, SearchPage } from './search-page.tsx'
import { SettingsPage } from './settings-page.tsx'
import { ThreadsPage } from './threads-page.tsx'
import { TokensPage } from './tokens-page.tsx'
import { listApiTokens } from '../auth/api-tokens.ts'
import { ImportPage } from './import-page.tsx'
import { importToJson, listImportRuns } from '../import/import-json.ts'
import { MailPage } from './mail-page.tsx'
import { readDeliveryLog } from '../notifications/delivery-log.ts'
import { findQueueNotification, listBans } from '../moderation/records.ts'
import { listMembers } from '../sites/members.ts'
import { readAuditLog } from '../audit/audit-log.ts'
import { siteAccess, viewerOf, type SignedInViewer, type Viewer } from './viewer.ts'
import { listWebhooks, readAttempts } from '../webhooks/endpoints.ts'
import { WebhooksPage } from './webhooks-page.tsx'

/**
 * Where an anonymous visitor signs in: the popup page, which also works as a full page. It takes
 * no return path yet, so after signing in there the moderator comes back to /admin by hand.
 */
const SIGN_IN_PATH = '/auth/popup'

const SearchQuery = z.object({
  text: text().max(200).optional(),
  author: text().max(120).optional(),
  page: text().max(500).optional(),
  status: z.enum(SEARCH_STATUSES).optional(),
})

/**
 * The moderation dashboard: server-rendered pages over the same feature functions as the JSON
 * API; script/ (built to /static/dashboard.js) acts through that API. Pages read the dashboard's cookie
 * session only (the app authenticates /admin and /admin/* before these run).
 */
/** `importFormats`: the formats this runtime can import (none on Workers). */
export function dashboardRoutes(deps: Deps, importFormats: readonly string[]) {
  type Handler = (c: Context<AppEnv>, viewer: SignedInViewer) => Promise<Response> | Response
  type SiteHandler = (c: Context<AppEnv>, viewer: SignedInViewer, site: SiteRow, canManage: boolean) => Promise<Response> | Response

  /** Signed in with the dashboard cookie, or sent to sign in, or told why not. */
  const signedIn = (handler: Handler) => async (c: Context<AppEnv>) => {
    const viewer = await viewerOf(deps, c.var.signedIn)
    if (viewer.kind === 'anonymous') {
      const here = new URL(c.req.url)
      return c.redirect(`${SIGN_IN_PATH}?${new URLSearchParams({ next: here.pathname + here.search })}`, 302)
    }
    if (viewer.kind === 'widget') return refuse(c, viewer, 'Open the dashboard from Engawa itself', 'A session made for a site’s page cannot open it.')
    return handler(c, viewer)
  }

  /** And a moderator of the site in the path. */
  const onSite = (handler: SiteHandler) =>
    signedIn(async (c, viewer) => {
      const access = await siteAccess(deps, viewer, c.req.param('site') ?? '')
      if (access.kind === 'missing')
        return sendPage(
          c,
          <Notice title="No such site" viewer={viewer}>
            <p>There is no site with that id. <a href="/admin">Back to the queue</a></p>
          </Notice>,
          404,
        )
      if (access.kind === 'forbidden') return refuse(c, viewer, 'You do not moderate this site', 'Ask one of its owners to invite you.')
      return handler(c, viewer, access.site, access.canManage)
    })

  return new Hono<AppEnv>()
    .get(
      '/admin',
      signedIn(async (c, viewer) => {
        if (viewer.sites.length === 0) return sendPage(c, <NoSitesPage viewer={viewer} />)
        const sort: QueueSort = c.req.query('sort') === 'reports' ? 'reports' : 'newest'
        const only = viewer.sites.find((s) => s.id === c.req.query('site'))
        const rows = await readQueue(deps.db, only ? [only.id] : viewer.sites.map((s) => s.id), sort)
        return sendPage(c, <QueuePage viewer={viewer} items={rows.map(moderatedToJson)} sort={sort} only={only} />)
      }),
    )
    .get(
      '/admin/sites/new',
      signedIn((c, viewer) => {
        if (!viewer.mayCreateSites) return refuse(c, viewer, 'You cannot create sites here', 'Instance admins create sites, and the accounts the operator allows (SITE_CREATORS).')
        return sendPage(c, <NewSitePage viewer={viewer} />)
      }),
    )
    .get(
      '/admin/sites/:site',
      onSite(async (c, viewer, site, canManage) => {
        const now = deps.clock.now()
        const [days, check] = await Promise.all([readActivity(deps.db, site.id, now), readInstallCheck(deps.db, site.id, now)])
        const snippet = embedSnippet(deps.config.publicUrl, site.id)
        return sendPage(c, <OverviewPage viewer={viewer} site={site} days={days} snippet={snippet} check={check} canManage={canManage} isNew={c.req.query('new') !== undefined} />)
      }),
    )
    .get(
      '/admin/sites/:site/search',
      onSite(async (c, viewer, site) => {
        const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''))
        const parsed = SearchQuery.safeParse(given)
        if (!parsed.success)
          return sendPage(c, <SearchPage viewer={viewer} site={site} search={{}} items={undefined} problem="That search cannot be made: check the fields." />, 400)
        const search = parsed.data
        const searched = Object.values(search).some((v) => v !== undefined)
        const items = searched ? (await searchComments(deps.db, site.id, search)).map(moderatedToJson) : undefined
        return sendPage(c, <SearchPage viewer={viewer} site={site} search={search} items={items} />)
      }),
    )
    .get(
      '/admin/sites/:site/authors/:author',
      onSite(async (c, viewer, site) => {
        const author = AuthorKey.safeParse(c.req.param('author'))
        if (!author.success)
          return sendPage(
            c,
            <Notice title="No such author" viewer={viewer}>
              <p>Authors are named user:… or guest:…. <a href={`/admin/sites/${site.id}/search`}>Search comments</a></p>
            </Notice>,
            404,
          )
        const standing = await authorStanding(deps.db, site.id, author.data, deps.clock.now())
        const items = (await searchComments(deps.db, site.id, { author: author.data })).map(moderatedToJson)
        return sendPage(c, <AuthorPage viewer={viewer} site={site} standing={standing} items={items} />)
      }),
    )
    .get(
      '/admin/sites/:site/bans',
      onSite(async (c, viewer, site) => sendPage(c, <BansPage viewer={viewer} site={site} bans={await listBans(deps.db, site.id, deps.clock.now())} />)),
    )
    .get(
      '/admin/sites/:site/audit',
      onSite(async (c, viewer, site) => sendPage(c, <AuditPage viewer={viewer} site={site} entries={await readAuditLog(deps.db, site.id)} />)),
    )
    .get(
      '/admin/sites/:site/import',
      onSite(async (c, viewer, site, canManage) => {
        if (!canManage) return refuse(c, viewer, 'Only owners can import', 'Ask one of the site’s owners to import the comments.')
        const now = deps.clock.now()
        const runs = (await listImportRuns(deps.db, site.id)).map((r) => importToJson(r, now))
        const formats = [...importFormats]
        return sendPage(c, <ImportPage viewer={viewer} site={site} formats={formats} maxBytes={deps.config.importMaxBytes} runs={runs} />)
      }),
    )
    .get(
      '/admin/sites/:site/settings',
      onSite(async (c, viewer, site, canManage) => {
        const people = canManage ? await listMembers(deps.db, site.id, deps.clock.now()) : undefined
        const notifyQueue = await findQueueNotification(deps.db, site.id, viewer.user.id)
        return sendPage(c, <SettingsPage viewer={viewer} site={site} canManage={canManage} people={people} notifyQueue={notifyQueue} />)
      }),
    )
    .get('/admin/sites/:site/threads', onSite((c, viewer, site, canManage) => sendPage(c, <ThreadsPage viewer={viewer} site={site} canManage={canManage} />)))
    .get(
      '/admin/sites/:site/tokens',
      onSite(async (c, viewer, site, canManage) => {
        const tokens = canManage ? await listApiTokens(deps.db, site.id) : []
        return sendPage(c, <TokensPage viewer={viewer} site={site} canManage={canManage} tokens={tokens} apiUrl={deps.config.publicUrl} />)
      }),
    )
    .get(
      '/admin/sites/:site/webhooks',
      onSite(async (c, viewer, site, canManage) => {
        if (!canManage) return refuse(c, viewer, 'Only owners manage webhooks', 'Ask one of the site’s owners.')
        const webhooks = await listWebhooks(deps.db, site.id)
        const endpoints = await Promise.all(webhooks.map(async (webhook) => ({ webhook, attempts: (await readAttempts(deps.db, site.id, webhook.id)).slice(0, 20) })))
        return sendPage(c, <WebhooksPage viewer={viewer} site={site} endpoints={endpoints} />)
      }),
    )
    .get(
      '/admin/sites/:site/mail',
      onSite(async (c, viewer, site, canManage) => {
        if (!canManage) return refuse(c, viewer, 'Only owners see the site’s mail', 'Ask one of its owners.')
        return sendPage(c, <MailPage viewer={viewer} site={site} mails={await readDeliveryLog(deps.db, site.id, viewer.user.email)} />)
      }),
    )

  function refuse(c: Context<AppEnv>, viewer: Viewer, title: string, why: string) {
    return sendPage(
      c,
      <Notice title={title} viewer={viewer}>
        <p>{why}</p>
        <p>
          <a href="/admin">Back to the queue</a>
        </p>
      </Notice>,
      403,
    )
  }
}
