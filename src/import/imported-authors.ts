import { cleanName, normalizeEmail } from '../http/text.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/** A guest's name is at most this many characters, as when posting. */
const MAX_NAME = 50
const MAX_EMAIL = 254
/** Addresses remembered between threads; past this the memory starts again, so it stays bounded. */
const CACHE_LIMIT = 50_000

export const PLACEHOLDER_NAME = 'Anonymous'

export type LinkedAccount = { userId: string; name: string }

/** An address worth keeping: something@something, of a sane length. */
export function usableEmail(email: string | undefined): string | undefined {
  const e = email === undefined ? '' : normalizeEmail(email)
  return e.length <= MAX_EMAIL && /^[^\s@]+@[^\s@]+$/.test(e) ? e : undefined
}

/** The name shown for an imported guest, cut to the length posting allows; undefined when blank. */
export function guestName(name: string): string | undefined {
  return cleanName(name, MAX_NAME) || undefined
}

/**
 * Finds the Engawa accounts whose verified address an imported author gave. Only a verified
 * address links: anyone can sign up with someone else's address, but not confirm it, so an
 * unconfirmed account never collects another person's old comments.
 */
export function createAccountLinker() {
  const known = new Map<string, LinkedAccount | null>()
  return async function linkAccounts(db: Kysely<Database>, emails: Iterable<string>): Promise<ReadonlyMap<string, LinkedAccount | null>> {
    if (known.size > CACHE_LIMIT) known.clear()
    const wanted = [...new Set(emails)].filter((e) => !known.has(e))
    if (wanted.length > 0) {
      const users = await db
        .selectFrom('users')
        .select(['id', 'email', 'display_name'])
        .where('email', 'in', wanted)
        .where('email_verified_at', 'is not', null)
        .execute()
      for (const e of wanted) known.set(e, null)
      for (const u of users) if (u.email) known.set(u.email, { userId: u.id, name: u.display_name })
    }
    return known
  }
}
export type AccountLinker = ReturnType<typeof createAccountLinker>

/** Every author stays a guest, with the name and address the file gives. */
export const linkNoAccounts: AccountLinker = async () => new Map()
