import { OpenAPIHono } from '@hono/zod-openapi'
import { adminRoutes } from './sites/member-routes.ts'
import { apiTokenRoutes } from './auth/api-token-routes.ts'
import { authenticate } from './auth/authenticate.ts'
import { requireSameOrigin, requireSessionOrigin, sessionCors } from './auth/cross-origin.ts'
import { meRoutes } from './account/me-routes.ts'
import { oauthRoutes } from './auth/oauth/routes.ts'
import { authPages } from './auth/pages/routes.ts'
import { authRoutes } from './auth/routes.ts'
import { cors } from 'hono/cors'
import { except } from 'hono/combine'
import { requestId } from 'hono/request-id'
import { createPageCache } from './threads/page-cache.ts'
import { dashboardRoutes } from './dashboard/routes.tsx'
import { pageFastPath } from './threads/page-fast-path.ts'
import { commentRoutes } from './comments/routes.ts'
import { liveRoutes } from './live/live-route.ts'
import { reportRoutes } from './moderation/report-route.ts'
import { previewRoutes } from './comments/preview-route.ts'
import type { SiteRow } from './db/schema.ts'
import { demoRoutes } from './demo/routes.ts'
import { authorRoutes } from './moderation/author-routes.ts'
import { moderationRoutes } from './moderation/routes.ts'
import type { Deps } from './deps.ts'
import type { AppEnv } from './http/app-env.ts'
import { notFound, onError, rejectInvalid } from './http/errors.ts'
import { healthRoutes } from './http/health-routes.ts'
import { limitBody, requireUtf8Body } from './http/middleware/body-limit.ts'
import { deadline } from './http/middleware/deadline.ts'
import { standardHeaders } from './http/middleware/standard-headers.ts'
import { requestLog } from './http/middleware/request-log.ts'
import { tdmReservation } from './http/middleware/tdm-reservation.ts'
import { openApiInfo } from './http/openapi.ts'
import { TtlCache } from './http/ttl-cache.ts'
import { loadSite, requireSiteOrigin, siteCors } from './sites/site-middleware.ts'
import { tdmrepRoutes } from './sites/tdmrep-route.ts'
import { ssoRoutes } from './auth/sso/routes.ts'
import { exportRoutes, exportSchemaRoutes } from './export/routes.ts'
import { feedRoutes } from './feeds/routes.ts'
import { notificationRoutes } from './notifications/routes.ts'
import { settingsRoutes } from './sites/settings-routes.ts'
import { threadMoveRoutes } from './threads/move-routes.ts'
import { threadRoutes } from './threads/routes.ts'
import { webhookRoutes } from './webhooks/routes.ts'
import { IMPORT_UPLOAD_PATH, importRoutes } from './import/routes.ts'
import type { ImportUploads } from './import/uploads.ts'

/**
 * The whole service, built from its dependencies; no side effects, so tests build one per database.
 * `uploads`: the runtime's place for uploaded exports and its parsers (Node has them; Workers do not).
 */
export function createApp(deps: Deps, { uploads }: { uploads?: ImportUploads } = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid })
  const sites = new TtlCache<SiteRow>(deps.config.pageCacheMs, 10_000, () => deps.clock.now().getTime())
  const pages = createPageCache(deps)

  // First of all: a repeated public page read is answered from memory without the stack below.
  app.get('/api/v1/sites/:site/thread', pageFastPath(sites, pages, deps.log))
  // An export upload is streamed to disk under its own, much larger limit (src/import/routes.ts).
  const isUpload = (c: { req: { method: string; path: string } }) => c.req.method === 'POST' && IMPORT_UPLOAD_PATH.test(c.req.path)
  const isStream = (c: { req: { method: string; path: string } }) => c.req.method === 'GET' && c.req.path.endsWith('/thread/live')
  app.use(requestId(), requestLog(deps.log), standardHeaders(), tdmReservation(), except(isUpload, limitBody(), requireUtf8Body()))
  // Streams and uploads take as long as they take; everything else answers within the deadline.
  app.use(except((c) => isUpload(c) || isStream(c), deadline(deps.log, deps.config.requestDeadlineMs)))
  app.use('/api/v1/sites/:site/*', loadSite(deps.db, sites), siteCors(), requireSiteOrigin(), authenticate(deps, 'site-bearer'))
  const accountCors = sessionCors(deps.db, deps.config, () => deps.clock.now().getTime())
  // Account routes: the dashboard's cookie (same-origin, CSRF-checked) or a widget's bearer token.
  for (const path of ['/api/v1/me', '/api/v1/me/*', '/api/v1/auth/logout', '/api/v1/moderation/*']) app.use(path, accountCors)
  app.use('/api/v1/auth/*', requireSameOrigin(deps.config), authenticate(deps, 'bearer-or-cookie'))
  for (const path of ['/api/v1/me', '/api/v1/me/*']) app.use(path, requireSameOrigin(deps.config), authenticate(deps, 'bearer-or-cookie'))
  // Owners' scripts reach moderation and administration with API tokens too.
  for (const path of ['/api/v1/admin/*', '/api/v1/moderation/*']) app.use(path, requireSameOrigin(deps.config), authenticate(deps, 'bearer-cookie-or-api-token'))
  for (const path of ['/api/v1/me', '/api/v1/me/*', '/api/v1/auth/*', '/api/v1/moderation/*']) app.use(path, requireSessionOrigin(deps.db, deps.config))
  // Routes that act on one site find it loaded (or a 404) before they check who may act on it.
  for (const path of ['/api/v1/admin/sites/:site/*', '/api/v1/moderation/sites/:site/*']) app.use(path, loadSite(deps.db, sites))
  // The dashboard's pages: the cookie session (the pages themselves refuse a bearer token).
  for (const path of ['/admin', '/admin/*']) app.use(path, authenticate(deps, 'bearer-or-cookie'))
  // The preview writes nothing and reveals nothing: any page may ask.
  app.use('/api/v1/preview', cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['Content-Type'] }))

  app.route('/api/v1', commentRoutes(deps, pages))
  app.route('/api/v1', liveRoutes(deps))
  app.route('/api/v1', reportRoutes(deps, pages))
  app.route('/api/v1', threadRoutes(deps))
  app.route('/api/v1', feedRoutes(deps))
  app.route('/api/v1', ssoRoutes(deps))
  app.route('/api/v1', previewRoutes(deps))
  app.route('/api/v1', authRoutes(deps))
  app.route('/api/v1', oauthRoutes(deps))
  app.route('/', authPages(deps))
  app.route('/', demoRoutes(deps))
  app.route('/', dashboardRoutes(deps, Object.keys(uploads?.importers ?? {})))
  app.route('/api/v1', meRoutes(deps, pages))
  app.route('/api/v1', adminRoutes(deps))
  app.route('/api/v1', moderationRoutes(deps, pages))
  app.route('/api/v1', authorRoutes(deps, pages))
  app.route('/api/v1', settingsRoutes(deps))
  app.route('/api/v1', apiTokenRoutes(deps))
  app.route('/api/v1', threadMoveRoutes(deps, pages))
  app.route('/api/v1', webhookRoutes(deps))
  app.route('/api/v1', exportRoutes(deps))
  app.route('/', exportSchemaRoutes())
  app.route('/api/v1', importRoutes(deps, pages, uploads))
  app.route('/api/v1', notificationRoutes(deps))
  app.route('/', healthRoutes(deps.db))
  app.route('/', tdmrepRoutes(deps.db))
  app.use('/api/openapi.json', async (c, next) => {
    await next()
    c.header('Cache-Control', 'public, max-age=300')
  })
  app.doc31('/api/openapi.json', openApiInfo)
  app.get('/', (c) => c.text('Engawa is running. The API is described at /api/openapi.json.\n'))

  app.notFound(notFound)
  app.onError(onError(deps.log))
  return app
}
