import { sql, type Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { recordAction } from '../audit/audit-log.ts'
import { AppError } from '../http/errors.ts'
import { parseAllowedOrigin } from '../http/origins.ts'

export interface OriginsChange {
  origins: readonly string[]
  /** Removing an origin whose pages have threads must be meant: their comments stay, unseen there. */
  confirm?: boolean
}

/** Threads whose pages lie on each origin (their comments are kept whatever becomes of it). */
async function countThreadsOn(db: Kysely<Database>, siteId: string, origins: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const origin of origins) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from threads
      where site_id = ${siteId} and (url = ${origin} or left(url, ${origin.length + 1}) = ${`${origin}/`})`.execute(db)
    counts.set(origin, rows[0]?.n ?? 0)
  }
  return counts
}

/**
 * Sets the origins whose pages may show the site's comments. Adding one takes effect at once;
 * removing one whose pages have threads needs `confirm`, and never deletes a comment (adding the
 * origin back shows them again). Audited in the same transaction, when anything changed.
 */
export async function changeOrigins(
  deps: Pick<Deps, 'db' | 'clock'>,
  site: SiteRow,
  actor: { userId: string | null; byOperator?: boolean },
  change: OriginsChange,
): Promise<SiteRow> {
  const origins = [...new Set(change.origins.map(parseAllowedOrigin))]
  if (origins.length === 0) throw new AppError('invalid_request', 'A site needs at least one allowed origin, such as https://blog.example.')
  const added = origins.filter((o) => !site.allowed_origins.includes(o))
  const removed = site.allowed_origins.filter((o) => !origins.includes(o))
  if (added.length === 0 && removed.length === 0) return site
  if (removed.length > 0 && !change.confirm) {
    const busy = [...(await countThreadsOn(deps.db, site.id, removed))].filter(([, n]) => n > 0)
    if (busy.length > 0)
      throw new AppError(
        'confirmation_required',
        `${busy.map(([origin, n]) => `${origin} has ${n} ${n === 1 ? 'thread' : 'threads'}`).join('; ')}. ` +
          'Removed, its pages show no comments, but none is deleted. Confirm to remove it.',
      )
  }
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('sites')
      .set({ allowed_origins: origins, updated_at: now })
      .where('id', '=', site.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    const said = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean).join('; ')
    await recordAction(trx, { siteId: site.id, actorUserId: actor.userId, byOperator: actor.byOperator, action: 'origins', targetKind: 'site', targetId: site.id, reason: `Allowed origins: ${said}` }, now)
    return row
  })
}
