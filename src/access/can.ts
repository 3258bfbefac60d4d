import type { Kysely } from 'kysely'
import type { ApiTokenScope, Database, SiteRole } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'

/** Someone acting: a guest, or an account with its roles (only on its session's site for a widget token). */
export type Actor =
  | { kind: 'guest' }
  | {
      kind: 'user'
      userId: string
      isInstanceAdmin: boolean
      roles: ReadonlyMap<string, SiteRole>
      /** A widget token's site: whatever the account may do elsewhere, it acts on this site only. */
      scope?: string
    }

export type Action =
  | 'comment.post'
  | 'comment.edit'
  | 'comment.delete'
  | 'comment.vote'
  | 'comment.react'
  | 'site.moderate'
  | 'site.manage'
  | 'instance.admin'

export interface Resource {
  siteId?: string
  /** The account that wrote the comment acted on, if any. */
  authorUserId?: string | null
}

const MODERATES: ReadonlySet<SiteRole> = new Set(['owner', 'moderator'])

/**
 * The one place that decides who may do what. Roles count on their own site only, so a
 * moderator of one site has no power on another. Guests' own rules (edit tokens, the site's
 * guest policy) are checked where guests act.
 */
export function can(actor: Actor, action: Action, resource: Resource = {}): boolean {
  if (actor.kind === 'guest') return false
  const role = resource.siteId === undefined ? undefined : actor.roles.get(resource.siteId)
  // An instance admin's widget token, readable by scripts on its site's pages, holds no power elsewhere.
  const adminHere = actor.isInstanceAdmin && (actor.scope === undefined || actor.scope === resource.siteId)
  const moderates = adminHere || (role !== undefined && MODERATES.has(role))
  const isAuthor = resource.authorUserId != null && resource.authorUserId === actor.userId
  switch (action) {
    case 'comment.post':
    case 'comment.vote':
    case 'comment.react':
      return true
    case 'comment.edit':
      return isAuthor
    case 'comment.delete':
      return isAuthor || moderates
    case 'site.moderate':
      return moderates
    case 'site.manage':
      return adminHere || role === 'owner'
    case 'instance.admin':
      return actor.isInstanceAdmin && actor.scope === undefined
  }
}

const SCOPE_RANK: Record<ApiTokenScope, number> = { read: 0, moderate: 1, admin: 2 }

/**
 * What scripts may do on a site's administration routes, and with which scope. Anything not
 * listed (people and invitations, the SSO secret, webhooks, the mail log, tokens themselves)
 * is for owners on Engawa's own pages only: a leaked token can neither make itself a successor
 * nor read people's addresses in bulk, except through an `admin` token's export.
 */
const TOKEN_ADMIN_ROUTES: ReadonlyArray<[method: string, rest: RegExp, scope: ApiTokenScope]> = [
  ['GET', /^\/settings$/, 'read'],
  ['GET', /^\/install-check$/, 'read'],
  ['GET', /^\/imports(\/[^/]+)?$/, 'read'],
  ['GET', /^\/export$/, 'admin'],
  ['PATCH', /^\/settings$/, 'admin'],
  ['POST', /^\/threads\/(move|merge)$/, 'admin'],
  ['POST', /^\/imports$/, 'admin'],
]

/**
 * What an API token's scope lets a script ask, before the routes check its maker's role: only
 * its own site's moderation routes (reading for every scope, acting for `moderate` and
 * `admin`) and the administration routes listed above.
 */
export function apiTokenAllows(scope: ApiTokenScope, siteId: string, method: string, path: string): boolean {
  const verb = method === 'HEAD' ? 'GET' : method
  const match = /^\/api\/v1\/(moderation|admin)\/sites\/([^/]+)(\/.*)?$/.exec(path)
  if (!match) return verb === 'GET' && path === '/api/v1/moderation/queue'
  const [, area, site, rest = ''] = match
  if (site !== siteId) return false
  if (area === 'moderation') return verb === 'GET' || SCOPE_RANK[scope] >= SCOPE_RANK.moderate
  const route = TOKEN_ADMIN_ROUTES.find(([m, pattern]) => m === verb && pattern.test(rest))
  return route !== undefined && SCOPE_RANK[scope] >= SCOPE_RANK[route[2]]
}

export function authorize(actor: Actor, action: Action, resource: Resource = {}): void {
  if (!can(actor, action, resource)) throw new AppError('forbidden', 'You are not allowed to do that here.')
}

/** The actor a request's session makes, with its roles (a widget session: on its own site only). */
export async function actorOf(db: Kysely<Database>, signedIn: SignedIn | undefined): Promise<Actor> {
  if (!signedIn) return { kind: 'guest' }
  let query = db.selectFrom('site_members').select(['site_id', 'role']).where('user_id', '=', signedIn.user.id)
  if (signedIn.session.site_id) query = query.where('site_id', '=', signedIn.session.site_id)
  const rows = await query.execute()
  return {
    kind: 'user',
    userId: signedIn.user.id,
    isInstanceAdmin: signedIn.user.is_instance_admin,
    ...(signedIn.session.site_id ? { scope: signedIn.session.site_id } : {}),
    roles: new Map(rows.map((r) => [r.site_id, r.role])),
  }
}
