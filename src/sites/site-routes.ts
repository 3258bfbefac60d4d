import { createRoute, z } from '@hono/zod-openapi'
import { requireDashboardSession } from '../access/require-session.ts'
import { actorOf } from '../access/can.ts'
import { managedSite, moderatedSite, sitesModeratedBy } from '../access/site-access.ts'
import type { SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { errorResponses, jsonBody, jsonResponse, SiteParam } from '../http/openapi.ts'
import { createRouter } from '../http/router.ts'
import { text } from '../http/text.ts'
import { mayCreateSites } from './site-creators.ts'
import { deleteSite, openSite } from './site-lifecycle.ts'
import { embedSnippet } from './sites.ts'
import { INSTALL_CHECK_DAYS, readInstallCheck } from './install-check.ts'

const tags = ['Administration']

const SiteJson = z
  .object({
    id: z.string(),
    name: z.string(),
    origins: z.array(z.string()),
    embedCode: z.string().openapi({ description: 'The HTML to paste under an article, with Engawa’s public URL.' }),
  })
  .openapi('Site')

const listRoute = createRoute({
  method: 'get',
  path: '/admin/sites',
  tags,
  summary: 'The sites the account moderates',
  description: 'Every site for an instance admin. `mayCreate` says whether the account may create sites (instance admins, and whom SITE_CREATORS names).',
  responses: {
    200: jsonResponse(z.object({ sites: z.array(z.object({ id: z.string(), name: z.string() })), mayCreate: z.boolean() }).openapi('SiteList'), 'The sites.'),
    ...errorResponses(401, 403),
  },
})

const createSiteRoute = createRoute({
  method: 'post',
  path: '/admin/sites',
  tags,
  summary: 'Create a site',
  description: 'Instance admins, and accounts SITE_CREATORS allows; the creator becomes its owner. Answers with the embed code.',
  request: {
    body: jsonBody(z.strictObject({ name: text().max(100), origins: z.array(text().max(300)).min(1).max(100) }).openapi('NewSite')),
  },
  responses: { 201: jsonResponse(SiteJson, 'The new site.'), ...errorResponses(400, 401, 403, 415) },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/admin/sites/{site}',
  tags,
  summary: 'Delete a site and all its comments',
  description:
    'Owners and instance admins, from Engawa’s own pages (no API token). `name` must repeat the site’s name exactly (409 `confirmation_required` ' +
    'otherwise). Everything of the site goes in one transaction; the deletion is recorded outside it. Export first: nothing can bring it back.',
  request: { params: SiteParam, body: jsonBody(z.strictObject({ name: text().max(200) }).openapi('SiteDeletion')) },
  responses: {
    200: jsonResponse(z.object({ deleted: z.object({ threads: z.number().int(), comments: z.number().int() }) }).openapi('SiteDeleted'), 'Deleted.'),
    ...errorResponses(400, 401, 403, 404, 409, 415),
  },
})

const installCheckRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/install-check',
  tags,
  summary: 'Where the widget loaded, and where it was refused',
  description:
    `Moderators, owners and instance admins. Per page origin over the last ${INSTALL_CHECK_DAYS} days: how often the widget asked for a thread, ` +
    'when last, its busiest pages, and whether the origin was allowed (refused origins first). Counts only; nothing about readers. Written every few seconds, so a new embed shows within a minute.',
  request: { params: SiteParam },
  responses: {
    200: jsonResponse(
      z
        .object({
          origins: z.array(
            z.object({ origin: z.string(), allowed: z.boolean(), loads: z.number().int(), lastAt: z.string(), pages: z.array(z.object({ page: z.string(), loads: z.number().int() })) }),
          ),
        })
        .openapi('InstallCheck'),
      'The loads.',
    ),
    ...errorResponses(401, 403, 404),
  },
})

export function siteJson(site: SiteRow, publicUrl: string) {
  return { id: site.id, name: site.name, origins: site.allowed_origins, embedCode: embedSnippet(publicUrl, site.id) }
}

/** Sites themselves: listed, created, deleted. */
export function siteRoutes(deps: Deps) {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const signedIn = requireDashboardSession(c.var.signedIn)
      const sites = await sitesModeratedBy(deps, await actorOf(deps.db, signedIn))
      return c.json({ sites, mayCreate: mayCreateSites(deps.config, signedIn.user) }, 200)
    })
    .openapi(createSiteRoute, async (c) => {
      const { user } = requireDashboardSession(c.var.signedIn)
      if (!mayCreateSites(deps.config, user)) throw new AppError('forbidden', 'Only instance admins, and the accounts the operator allows (SITE_CREATORS), create sites.')
      const site = await openSite(deps, { userId: user.id }, c.req.valid('json'))
      return c.json(siteJson(site, deps.config.publicUrl), 201)
    })
    .openapi(installCheckRoute, async (c) => {
      const { site } = await moderatedSite(deps, c.var.signedIn, c.var.site)
      const check = await readInstallCheck(deps.db, site.id, deps.clock.now())
      return c.json({ origins: check.map((o) => ({ ...o, lastAt: o.lastAt.toISOString() })) }, 200)
    })
    .openapi(deleteRoute, async (c) => {
      const { site, user, signedIn } = await managedSite(deps, c.var.signedIn, c.var.site)
      if (signedIn.via !== 'cookie') throw new AppError('forbidden', 'Delete a site from the dashboard, signed in; API tokens cannot.')
      const deleted = await deleteSite(deps, site, { userId: user.id }, c.req.valid('json').name)
      return c.json({ deleted }, 200)
    })
}
