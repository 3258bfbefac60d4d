import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'

/** The refusal a banned author meets, saying until when when the ban ends. */
export function bannedError(until: Date | null): AppError {
  const when = until ? ` until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''
  return new AppError('banned', `The moderators of this site have stopped you from commenting here${when}.`)
}

/**
 * A ban stops every write of its author on the site: posting (admission.ts), editing, voting,
 * reporting. `authors` are the keys the writer may be known by (user:<id>, guest:<fingerprint>).
 */
export async function refuseIfBanned(db: Kysely<Database>, siteId: string, authors: readonly string[], now: Date): Promise<void> {
  if (authors.length === 0) return
  const bans = await db
    .selectFrom('bans')
    .select('expires_at')
    .where('site_id', '=', siteId)
    .where('author', 'in', authors)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute()
  if (bans.length === 0) return
  throw bannedError(bans.some((b) => b.expires_at === null) ? null : new Date(Math.max(...bans.map((b) => b.expires_at?.getTime() ?? 0))))
}
