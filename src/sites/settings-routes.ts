import { SiteParam, errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { recordAction } from '../audit/audit-log.ts'
import { managedSite, moderatedSite } from '../access/site-access.ts'
import { SiteSettings, SiteSettingsPatch, settingsOf, settingsToColumns } from './settings.ts'
import { createRouter } from '../http/router.ts'


const getRoute = createRoute({
  method: 'get',
  path: '/admin/sites/{site}/settings',
  tags: ['Administration'],
  summary: "A site's rules",
  request: { params: SiteParam },
  responses: { 200: jsonResponse(SiteSettings, 'The settings.'), ...errorResponses(401, 403, 404) },
})

const patchRoute = createRoute({
  method: 'patch',
  path: '/admin/sites/{site}/settings',
  tags: ['Administration'],
  summary: "Change a site's rules",
  description: 'Owners and instance admins. Only the fields given change; the change is in the audit log.',
  request: { params: SiteParam, body: jsonBody(SiteSettingsPatch) },
  responses: { 200: jsonResponse(SiteSettings, 'The settings now.'), ...errorResponses(400, 401, 403, 404, 415) },
})

const notifyRoute = createRoute({
  method: 'put',
  path: '/moderation/sites/{site}/notifications',
  tags: ['Moderation'],
  summary: 'Choose whether to get an email when something enters the queue',
  description: 'For the signed-in moderator or owner; mails are batched, at most one every few minutes.',
  request: { params: SiteParam, body: jsonBody(z.strictObject({ queue: z.boolean() }).openapi('QueueNotifications')) },
  responses: { 200: jsonResponse(z.object({ queue: z.boolean() }), 'Saved.'), ...errorResponses(400, 401, 403, 404, 409, 415) },
})

export function settingsRoutes(deps: Deps) {
  const manage = (signedIn: SignedIn | undefined, site: SiteRow) => managedSite(deps, signedIn, site)

  return createRouter()
    .openapi(getRoute, async (c) => {
      const { site } = await manage(c.var.signedIn, c.var.site)
      return c.json(settingsOf(site), 200)
    })
    .openapi(patchRoute, async (c) => {
      const { site, user } = await manage(c.var.signedIn, c.var.site)
      const patch = c.req.valid('json')
      // Only what differs from the site as it is: saving the form unchanged writes nothing.
      const changed = (Object.keys(patch) as Array<keyof typeof patch>).filter((field) =>
        Object.entries(settingsToColumns({ [field]: patch[field] })).some(([column, value]) => JSON.stringify(site[column as keyof SiteRow]) !== JSON.stringify(value)),
      )
      if (changed.length === 0) return c.json(settingsOf(site), 200)
      const now = deps.clock.now()
      const updated = await deps.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('sites')
          .set({ ...settingsToColumns(Object.fromEntries(changed.map((field) => [field, patch[field]]))), updated_at: now })
          .where('id', '=', site.id)
          .returningAll()
          .executeTakeFirstOrThrow()
        await recordAction(trx, { siteId: site.id, actorUserId: user.id, action: 'settings', targetKind: 'site', targetId: site.id, reason: `Changed ${changed.join(', ')}` }, now)
        return row
      })
      return c.json(settingsOf(updated), 200)
    })
    .openapi(notifyRoute, async (c) => {
      const { site, user } = await moderatedSite(deps, c.var.signedIn, c.var.site)
      const { queue } = c.req.valid('json')
      const updated = await deps.db
        .updateTable('site_members')
        .set({ notify_queue: queue })
        .where('site_id', '=', site.id)
        .where('user_id', '=', user.id)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) throw new AppError('conflict', 'Only members of the site get its queue by mail.')
      // News starts from now, not from whatever waited before.
      if (queue) await deps.db.updateTable('users').set((eb) => ({ queue_mailed_at: eb.fn.coalesce('queue_mailed_at', eb.val(deps.clock.now())) })).where('id', '=', user.id).execute()
      return c.json({ queue }, 200)
    })
}
