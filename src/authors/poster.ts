import type { Kysely } from 'kysely'
import { can, type Actor } from '../access/can.ts'
import type { Database, SiteRow } from '../db/schema.ts'
import { guestFingerprint } from './guest-fingerprint.ts'

/**
 * Who is posting, built once per request (posterOf): what the site's rules look at (limits,
 * bans, standing), and what the comment's row keeps of its author.
 */
export type Poster = {
  name: string
  /** The network's limit key: an IPv4 address or an IPv6 /64, never stored as such. */
  network: string
} & (
  | {
      kind: 'guest'
      email: string | null
      /** The network, hashed with the site's salt: how the site tells its guests apart. */
      fingerprint: string
    }
  | {
      kind: 'user'
      userId: string
      /** Staff of the site speak with a badge, and no rule holds their comments back. */
      role: 'owner' | 'moderator' | null
    }
)

/** user:<account id> or guest:<fingerprint>: how bans and standing name an author. */
export function authorKeyOfPoster(poster: Poster): string {
  return poster.kind === 'user' ? `user:${poster.userId}` : `guest:${poster.fingerprint}`
}

export function posterModerates(poster: Poster): boolean {
  return poster.kind === 'user' && poster.role !== null
}

/**
 * A signed-in reader posts under their account's name, with their role on the site (an instance
 * admin acting here counts as a moderator); a guest under the name they gave.
 */
export async function posterOf(
  db: Kysely<Database>,
  site: SiteRow,
  network: string,
  who: { actor: Actor; userName: string } | { guest: { name: string; email?: string } },
): Promise<Poster> {
  if ('guest' in who)
    return { kind: 'guest', name: who.guest.name, email: who.guest.email?.toLowerCase() ?? null, network, fingerprint: await guestFingerprint(db, site, network) }
  const { actor } = who
  if (actor.kind !== 'user') throw new TypeError('a signed-in poster needs a user actor')
  const role = actor.roles.get(site.id) === 'owner' ? 'owner' : can(actor, 'site.moderate', { siteId: site.id }) ? 'moderator' : null
  return { kind: 'user', userId: actor.userId, name: who.userName, role, network }
}
