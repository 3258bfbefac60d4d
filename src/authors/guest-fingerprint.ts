import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'

/**
 * How a site tells its guests apart without keeping where they come from: a hash of their
 * network (an IPv4 address, an IPv6 /64) salted with a random value of the site's own, made
 * on first use. The raw address is never stored.
 */
export async function guestFingerprint(db: Kysely<Database>, site: SiteRow, network: string): Promise<string> {
  let salt = site.hash_salt
  if (!salt) {
    const fresh = crypto.getRandomValues(new Uint8Array(32))
    const row = await db
      .updateTable('sites')
      .set((eb) => ({ hash_salt: eb.fn.coalesce('hash_salt', eb.val(fresh)) }))
      .where('id', '=', site.id)
      .returning('hash_salt')
      .executeTakeFirstOrThrow()
    salt = row.hash_salt as Uint8Array
  }
  const input = new Uint8Array([...new Uint8Array(salt), ...new TextEncoder().encode(network)])
  return encodeHexLowerCase(sha256(input))
}
