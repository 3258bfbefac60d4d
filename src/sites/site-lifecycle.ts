import { sql, type Kysely } from 'kysely'
import { recordAction } from '../audit/audit-log.ts'
import type { Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { createSite, type NewSite } from './sites.ts'

type SiteActor = { userId: string | null; byOperator?: boolean }

/** A new site, with its creator (when an account) as its first owner; audited in the new site's log. */
export async function openSite(deps: Pick<Deps, 'db' | 'clock'>, actor: SiteActor, input: NewSite): Promise<SiteRow> {
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const site = await createSite(trx, input)
    if (actor.userId) await trx.insertInto('site_members').values({ site_id: site.id, user_id: actor.userId, role: 'owner' }).execute()
    await recordAction(trx, { siteId: site.id, actorUserId: actor.userId, byOperator: actor.byOperator, action: 'create', targetKind: 'site', targetId: site.id, reason: `Created with ${site.allowed_origins.join(', ')}` }, now)
    return site
  })
}

/** What deleting a site takes with it. */
export async function countSiteContents(db: Kysely<Database>, siteId: string): Promise<{ threads: number; comments: number }> {
  const { rows } = await sql<{ threads: number; comments: number }>`
    select (select count(*)::int from threads where site_id = ${siteId}) as threads,
           (select count(*)::int from comments where site_id = ${siteId}) as comments`.execute(db)
  return rows[0] ?? { threads: 0, comments: 0 }
}

/**
 * Deletes a site and everything in it (every per-site table cascades from `sites`), once the name
 * typed matches. One transaction: the record of the deletion, kept outside the site, and the
 * deletion itself either both happen or neither does.
 */
export async function deleteSite(deps: Pick<Deps, 'db' | 'clock'>, site: SiteRow, actor: SiteActor, typedName: string | undefined): Promise<{ threads: number; comments: number }> {
  if (typedName?.trim() !== site.name)
    throw new AppError('confirmation_required', `To delete the site, give its name exactly: "${site.name}". Its comments cannot be brought back: export them first.`)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom('sites').select('id').where('id', '=', site.id).forUpdate().executeTakeFirst()
    if (!locked) throw new AppError('site_not_found', `There is no site with id "${site.id}".`)
    const held = await countSiteContents(trx, site.id)
    await trx
      .insertInto('site_deletions')
      .values({ site_id: site.id, name: site.name, origins: site.allowed_origins, actor_user_id: actor.userId, by_operator: actor.byOperator ?? false, ...held, deleted_at: now })
      .execute()
    await trx.deleteFrom('sites').where('id', '=', site.id).execute()
    return held
  })
}
