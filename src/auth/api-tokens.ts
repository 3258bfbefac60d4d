import type { Kysely, Selectable } from 'kysely'
import type { ApiTokenScope, ApiTokensTable, Database } from '../db/schema.ts'
import { newSecretToken, parseSecretToken, secretMatches } from '../http/secret-token.ts'

// An API token is a session for a script: it acts for the owner who made it, on one site, with a
// scope that only narrows what that owner may do there. It stops working when revoked, when it
// expires, and in effect when its maker loses their role on the site (their roles are what it uses).

/** Marks our tokens in scripts and logs, so secret scanners and people can tell them apart. */
export const API_TOKEN_PREFIX = 'engawa_pat_'
/** `last_used_at` is written at most this often per token: a busy script costs no write per request. */
const LAST_USE_RESOLUTION_MS = 60_000

export type ApiTokenRow = Selectable<ApiTokensTable>

export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX)
}

export async function createApiToken(
  db: Kysely<Database>,
  input: { siteId: string; name: string; scope: ApiTokenScope; createdBy: string; expiresAt: Date | null },
  now: Date,
): Promise<{ token: string; row: ApiTokenRow }> {
  const t = newSecretToken()
  const row = await db
    .insertInto('api_tokens')
    .values({
      site_id: input.siteId,
      id: t.id,
      secret_hash: t.secretHash,
      name: input.name,
      scope: input.scope,
      created_by: input.createdBy,
      created_at: now,
      expires_at: input.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { token: API_TOKEN_PREFIX + t.token, row }
}

/** The live token a request presents, with its last use noted; undefined for anything else. */
export async function validateApiToken(db: Kysely<Database>, token: string, now: Date): Promise<ApiTokenRow | undefined> {
  const parts = isApiToken(token) ? parseSecretToken(token.slice(API_TOKEN_PREFIX.length)) : undefined
  if (!parts) return undefined
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', parts.id).executeTakeFirst()
  if (!row || !secretMatches(parts.secret, row.secret_hash)) return undefined
  if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at.getTime() <= now.getTime())) return undefined
  if (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() >= LAST_USE_RESOLUTION_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('site_id', '=', row.site_id).where('id', '=', row.id).execute()
    return { ...row, last_used_at: now }
  }
  return row
}

export async function listApiTokens(db: Kysely<Database>, siteId: string) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.created_by')
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.scope',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'users.display_name as created_by_name',
    ])
    .where('api_tokens.site_id', '=', siteId)
    .orderBy('api_tokens.created_at', 'desc')
    .orderBy('api_tokens.id')
    .execute()
}

/** Revokes a site's token; false when the site has no live token by that id. */
export async function revokeApiToken(db: Kysely<Database>, siteId: string, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('site_id', '=', siteId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
