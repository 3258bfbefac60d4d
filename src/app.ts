import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { except } from 'hono/combine'
import { cors } from 'hono/cors'
import { requestId } from 'hono/request-id'
import { meRoutes } from './account/me-routes.ts'
import { apiTokenRoutes } from './auth/api-token-routes.ts'
import { authenticate } from './auth/authenticate.ts'
import { requireSameOrigin, requireSessionOrigin, sessionCors } from './auth/cross-origin.ts'
import { oauthRoutes } from './auth/oauth/routes.ts'
import { profileRoutes } from './profiles/profile-routes.ts'
import { profilePages } from './profiles/profile-page.ts'
import { authPages } from './auth/pages/routes.ts'
import { authRoutes } from './auth/routes.ts'
import { ssoRoutes } from './auth/sso/routes.ts'
import { previewRoutes } from './comments/preview-route.ts'
import { commentRoutes } from './comments/routes.ts'
import { createCommunityCache } from './community/community-cache.ts'
import { communityPages } from './community/community-pages.ts'
import { communityRoutes } from './community/community-route.ts'
import { dashboardRoutes } from './dashboard/routes.tsx'
import type { SiteRow } from './db/schema.ts'
import type { Deps } from './deps.ts'
import { demoRoutes } from './demo/routes.ts'
import { exportRoutes, exportSchemaRoutes } from './export/routes.ts'
import { feedRoutes } from './feeds/routes.ts'
import type { AppEnv } from './http/app-env.ts'
import { notFound, onError, rejectInvalid } from './http/errors.ts'
import { errorPage, opensPage } from './auth/pages/error-page.ts'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { healthRoutes } from './http/health-routes.ts'
import { limitBody, requireUtf8Body } from './http/middleware/body-limit.ts'
import { deadline } from './http/middleware/deadline.ts'
import { requestLog } from './http/middleware/request-log.ts'
import { standardHeaders } from './http/middleware/standard-headers.ts'
import { tdmReservation } from './http/middleware/tdm-reservation.ts'
import { openApiInfo } from './http/openapi.ts'
import { TtlCache } from './http/ttl-cache.ts'
import { IMPORT_UPLOAD_PATH, importRoutes } from './import/routes.ts'
import type { ImportUploads } from './import/uploads.ts'
import { liveRoutes } from './live/live-route.ts'
import { authorRoutes } from './moderation/author-routes.ts'
import { reportRoutes } from './moderation/report-route.ts'
import { moderationRoutes } from './moderation/routes.ts'
import { notificationRoutes } from './notifications/routes.ts'
import { inboxRoutes } from './notifications/inbox-routes.ts'
import { adminRoutes } from './sites/member-routes.ts'
import { originRoutes } from './sites/origin-routes.ts'
import { publicSiteRoutes } from './sites/public-route.ts'
import { settingsRoutes } from './sites/settings-routes.ts'
import { siteRoutes } from './sites/site-routes.ts'
import { setupPages, setupRoutes } from './setup/routes.ts'
import { loadSite, readableErrors, requireSiteOrigin, siteCors } from './sites/site-middleware.ts'
import { tdmrepRoutes } from './sites/tdmrep-route.ts'
import { countWidgetLoads } from './sites/install-check.ts'
import { threadMoveRoutes } from './threads/move-routes.ts'
import { createPageCache } from './threads/page-cache.ts'
import { pageFastPath } from './threads/page-fast-path.ts'
import { threadRoutes } from './threads/routes.ts'
import { webhookRoutes } from './webhooks/routes.ts'

type Asked = { req: { method: string; path: string } }
const isUpload = (c: Asked) => c.req.method === 'POST' && IMPORT_UPLOAD_PATH.test(c.req.path)
const isStream = (c: Asked) => c.req.method === 'GET' && (c.req.path.endsWith('/thread/live') || c.req.path.endsWith('/inbox/live'))

/**
 * The whole service, built from its dependencies; no side effects, so tests build one per database.
 * `uploads`: the runtime's place for uploaded exports and its parsers (Node has them; Workers do not).
 *
 * Read it as the map of the service: which requests get which protection, then who answers them.
 */
export function createApp(deps: Deps, { uploads }: { uploads?: ImportUploads } = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const now = () => deps.clock.now().getTime()
  const sites = new TtlCache<SiteRow>(deps.config.pageCacheMs, 10_000, now)
  const cache = createPageCache(deps)
  const community = createCommunityCache(deps)
  const { relay } = deps
  // Writes drop the pages they change, once committed (threads/thread-changes.ts), and the
  // site's community pages; on Workers the thread's live object hears of it too.
  const pages: typeof cache = {
    ...cache,
    changed(siteId, key, told) {
      cache.changed(siteId, key, told)
      community.changed(siteId)
      if (told) relay?.announce(siteId, key, told)
    },
  }
  deps = { ...deps, pages }
  const site = loadSite(deps.db, sites)
  const sameOrigin = requireSameOrigin(deps.config)
  const sessionOrigin = requireSessionOrigin(deps.db, deps.config)
  const accountCors = sessionCors(deps.db, deps.config, now)

  // First of all: the install check counts the widget's loads, and a repeated public page read is
  // answered from memory, before anything below.
  app.get('/api/v1/sites/:site/thread', countWidgetLoads(deps.loads), pageFastPath(sites, pages, deps.log))
  // Whatever refuses a site's public request below, from the body limit on, the widget can read why.
  app.use('/api/v1/sites/:site/*', readableErrors())

  // Every request: an id, a log line, the standard headers, a bounded body (an upload has its own,
  // much larger limit: import/routes.ts) and an answer within the deadline (but streams and uploads).
  app.use(requestId(), requestLog(deps.log), standardHeaders(), tdmReservation(), except(isUpload, limitBody(), requireUtf8Body()))
  app.use(except((c) => isUpload(c) || isStream(c), deadline(deps.log, deps.config.requestDeadlineMs)))

  // Who may ask what, by path, in the order the checks run.
  const GROUPS: Array<[what: string, paths: string[], middleware: MiddlewareHandler<AppEnv>[]]> = [
    // The widget in a site's pages: CORS for the site's origins, writes only from them, its bearer token.
    ['a site, from its pages', ['/api/v1/sites/:site/*'], [site, siteCors(), requireSiteOrigin(), authenticate(deps, 'site-bearer')]],
    // The widget reaches the account and moderation with its bearer token, from pages of some site.
    ['the account from a site', ['/api/v1/me', '/api/v1/me/*', '/api/v1/auth/logout', '/api/v1/moderation/*'], [accountCors]],
    // The first admin, from the setup link, on Engawa's own page only.
    ['setup', ['/api/v1/setup'], [sameOrigin]],
    // Engawa's own pages with the cookie (same origin, CSRF-checked), or a bearer token.
    ['accounts', ['/api/v1/auth/*', '/api/v1/me', '/api/v1/me/*'], [sameOrigin, authenticate(deps, 'bearer-or-cookie')]],
    // Owners' scripts reach moderation and administration with API tokens too.
    ['moderation and administration', ['/api/v1/admin/*', '/api/v1/moderation/*'], [sameOrigin, authenticate(deps, 'bearer-cookie-or-api-token')]],
    // A bearer token works only from Engawa itself or its own site's pages.
    ['sessions, where used', ['/api/v1/me', '/api/v1/me/*', '/api/v1/auth/*', '/api/v1/moderation/*'], [sessionOrigin]],
    // Routes on one site find it loaded (or a 404) before they check who may act on it (access/).
    ['one site’s moderation and administration', ['/api/v1/admin/sites/:site', '/api/v1/admin/sites/:site/*', '/api/v1/moderation/sites/:site/*'], [site]],
    // The dashboard's pages: the cookie session (the pages themselves refuse a bearer token).
    ['the dashboard', ['/admin', '/admin/*'], [authenticate(deps, 'bearer-or-cookie')]],
    // The preview writes nothing and reveals nothing: any page may ask.
    ['the Markdown preview', ['/api/v1/preview'], [cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['Content-Type'] })]],
  ]
  for (const [, paths, middleware] of GROUPS) for (const path of paths) app.use(path, ...middleware)

  // Who answers, feature by feature (each router declares its own paths).
  const api = [
    publicSiteRoutes(), commentRoutes(deps, pages), communityRoutes(deps, community), liveRoutes(deps), reportRoutes(deps), threadRoutes(deps), feedRoutes(deps), previewRoutes(deps),
    setupRoutes(deps), authRoutes(deps), oauthRoutes(deps), ssoRoutes(deps), meRoutes(deps), apiTokenRoutes(deps),
    moderationRoutes(deps), authorRoutes(deps), profileRoutes(deps, community),
    siteRoutes(deps), adminRoutes(deps), settingsRoutes(deps), originRoutes(deps), threadMoveRoutes(deps), webhookRoutes(deps), notificationRoutes(deps), inboxRoutes(deps),
    exportRoutes(deps), importRoutes(deps, uploads),
  ]
  for (const routes of api) app.route('/api/v1', routes)
  // Pages and files outside the API: the home and setup pages, sign-in, the demo, the dashboard, schemas, health, the TDM policy.
  app.route('/', setupPages(deps))
  app.route('/', authPages(deps))
  app.route('/', demoRoutes(deps))
  app.route('/', communityPages(deps))
  app.route('/', profilePages(deps))
  app.route('/', dashboardRoutes(deps, Object.keys(uploads?.importers ?? {})))
  app.route('/', exportSchemaRoutes())
  app.route('/', healthRoutes(deps.db, deps.databaseChecks))
  app.route('/', tdmrepRoutes(deps.db))

  app.use('/api/openapi.json', async (c, next) => {
    await next()
    c.header('Cache-Control', 'public, max-age=300')
  })
  app.doc31('/api/openapi.json', openApiInfo)

  // Nothing to show a browser's tab, asked of every page: no content rather than an error in its console.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=604800' }))
  // A browser opening a page gets an error as a page (a stale setup link, a mistyped address); the API, JSON.
  app.notFound((c) => (opensPage(c) ? errorPage(c, 404, `There is nothing at ${c.req.path}.`) : notFound(c)))
  const answerError = onError(deps.log)
  app.onError(async (error, c) => {
    const answer = await answerError(error, c)
    if (!opensPage(c)) return answer
    const { error: said } = (await answer.json()) as { error: { message: string } }
    return errorPage(c, answer.status as ContentfulStatusCode, said.message)
  })
  return app
}
