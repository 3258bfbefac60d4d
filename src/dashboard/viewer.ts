import { actorOf, can, type Actor } from '../access/can.ts'
import type { SiteRow, UserRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import type { SignedIn } from '../http/app-env.ts'
import { sitesModeratedBy } from '../access/site-access.ts'
import { findSite } from '../sites/sites.ts'
import { mayCreateSites } from '../sites/site-creators.ts'

export type UserActor = Extract<Actor, { kind: 'user' }>

/** Who opened a dashboard page. */
export type Viewer =
  | { kind: 'anonymous' }
  /** A widget's bearer token: any script on a site's page could hold one, so it opens nothing here. */
  | { kind: 'widget' }
  | { kind: 'account'; user: UserRow; actor: UserActor; sites: Array<{ id: string; name: string }>; mayCreateSites: boolean }

export type SignedInViewer = Extract<Viewer, { kind: 'account' }>

/**
 * The dashboard takes only the cookie session Engawa's own pages hold (as
 * `requireDashboardSession` does for the account API), and answers with pages rather than
 * JSON errors, so it asks instead of throwing.
 */
export async function viewerOf(deps: Pick<Deps, 'db' | 'config'>, signedIn: SignedIn | undefined): Promise<Viewer> {
  if (!signedIn) return { kind: 'anonymous' }
  if (signedIn.via !== 'cookie') return { kind: 'widget' }
  const actor = await actorOf(deps.db, signedIn)
  if (actor.kind !== 'user') return { kind: 'anonymous' }
  return { kind: 'account', user: signedIn.user, actor, sites: await sitesModeratedBy(deps, actor), mayCreateSites: mayCreateSites(deps.config, signedIn.user) }
}

export type SiteAccess =
  | { kind: 'missing' }
  | { kind: 'forbidden'; site: SiteRow }
  | { kind: 'allowed'; site: SiteRow; canManage: boolean }

/** Whether the viewer moderates the site (and manages it: owners and instance admins). */
export async function siteAccess(deps: Pick<Deps, 'db'>, viewer: SignedInViewer, siteId: string): Promise<SiteAccess> {
  const site = await findSite(deps.db, siteId)
  if (!site) return { kind: 'missing' }
  if (!can(viewer.actor, 'site.moderate', { siteId: site.id })) return { kind: 'forbidden', site }
  return { kind: 'allowed', site, canManage: can(viewer.actor, 'site.manage', { siteId: site.id }) }
}
