import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { AppError } from './errors.ts'

export interface Limit {
  name: string
  max: number
  windowMs: number
}

function limitKey(limit: Limit, subject: string): string {
  return `${limit.name}:${encodeHexLowerCase(sha256(new TextEncoder().encode(subject.toLowerCase())))}`
}

/**
 * Counts one attempt against a fixed window and refuses past the limit. One upsert does the
 * count, so concurrent requests on several instances cannot all slip under it. Subjects
 * (addresses, IPs) are stored hashed: the table says how busy someone is, not who they are.
 */
export async function hitLimit(db: Kysely<Database>, limit: Limit, subject: string, now: Date): Promise<void> {
  await hitLimits(db, [[limit, subject]], now)
}

/** Several limits counted in one statement (one round trip); refuses with the longest wait of those passed. */
export async function hitLimits(db: Kysely<Database>, checks: ReadonlyArray<readonly [Limit, string]>, now: Date): Promise<void> {
  if (checks.length === 0) return
  const count = countHits(checks, now)
  const { rows } = await count.statement.execute(db)
  count.refuseOver(rows)
}

export interface Hit {
  key: string
  hits: number
  expires_at: Date | string
}

/**
 * The upsert that counts `checks`, for a caller that runs it as part of a larger statement (a
 * `with hits as (…)`), and the check of what it returned, which refuses with the longest wait
 * of the limits passed.
 */
export function countHits(checks: ReadonlyArray<readonly [Limit, string]>, now: Date) {
  const keys = checks.map(([limit, subject]) => limitKey(limit, subject))
  const expires = checks.map(([limit]) => new Date(now.getTime() + limit.windowMs))
  const statement = sql<Hit>`
    insert into rate_limits as r (key, window_start, hits, expires_at)
    select k, ${now}::timestamptz, 1, e from unnest(${keys}::text[], ${expires}::timestamptz[]) as x(k, e)
    on conflict (key) do update set
      hits = case when r.expires_at <= ${now} then 1 else r.hits + 1 end,
      window_start = case when r.expires_at <= ${now} then ${now} else r.window_start end,
      expires_at = case when r.expires_at <= ${now} then excluded.expires_at else r.expires_at end
    returning key, hits, expires_at`
  const refuseOver = (rows: readonly Hit[]) => {
    let wait = 0
    for (const row of rows) {
      const limit = checks[keys.indexOf(row.key)]?.[0]
      if (limit && row.hits > limit.max) wait = Math.max(wait, new Date(row.expires_at).getTime() - now.getTime())
    }
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000))
      throw new AppError('rate_limited', `Too many attempts. Try again in ${describeWait(seconds)}.`, { retryAfter: seconds })
    }
  }
  return { statement, refuseOver }
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`
  return `${Math.ceil(seconds / 60)} minutes`
}

export async function deleteExpiredLimits(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
