import { requireDashboardSession, requireSignedIn } from './require-session.ts'
import { actorOf, authorize, type Actor } from './can.ts'
import type { SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import type { SignedIn } from '../http/app-env.ts'

// Who may act on a site, for the routes under /moderation/sites/{site}/… and /admin/sites/{site}/…,
// whose site the app has loaded (sites/site-middleware.ts) before they run.

/** The site, once the request's account may moderate it (a widget token: only on its own site). */
export async function moderatedSite(deps: Pick<Deps, 'db'>, signedIn: SignedIn | undefined, site: SiteRow) {
  const s = requireSignedIn(signedIn)
  authorize(await actorOf(deps.db, s), 'site.moderate', { siteId: site.id })
  return { site, user: s.user }
}

/**
 * The site, once the request's account may manage it: owners and instance admins, on Engawa's
 * own pages (cookie) or through an API token of that site (its scope was checked on the way in).
 */
export async function managedSite(deps: Pick<Deps, 'db'>, signedIn: SignedIn | undefined, site: SiteRow) {
  const s = signedIn?.via === 'api-token' ? signedIn : requireDashboardSession(signedIn)
  authorize(await actorOf(deps.db, s), 'site.manage', { siteId: site.id })
  return { site, user: s.user, signedIn: s }
}

/** Every site an actor moderates: their own as owner or moderator, or all for an instance admin. */
export async function sitesModeratedBy(deps: Pick<Deps, 'db'>, actor: Actor): Promise<Array<{ id: string; name: string }>> {
  if (actor.kind === 'guest') return []
  let query = deps.db.selectFrom('sites').select(['id', 'name']).orderBy('name').orderBy('id')
  if (!actor.isInstanceAdmin || actor.scope !== undefined) {
    const ids = [...new Set([...actor.roles.keys(), ...(actor.isInstanceAdmin && actor.scope ? [actor.scope] : [])])]
    if (ids.length === 0) return []
    query = query.where('id', 'in', ids)
  }
  return query.execute()
}
