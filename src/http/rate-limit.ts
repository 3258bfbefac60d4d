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

/**
 * Counts one attempt against a fixed window and refuses past the limit. One upsert does the
 * count, so concurrent requests on several instances cannot all slip under it. Subjects
 * (addresses, IPs) are stored hashed: the table says how busy someone is, not who they are.
 */
export async function hitLimit(db: Kysely<Database>, limit: Limit, subject: string, now: Date): Promise<void> {
  const key = `${limit.name}:${encodeHexLowerCase(sha256(new TextEncoder().encode(subject.toLowerCase())))}`
  const expires = new Date(now.getTime() + limit.windowMs)
  const { rows } = await sql<{ hits: number; expires_at: Date }>`
    insert into rate_limits as r (key, window_start, hits, expires_at) values (${key}, ${now}, 1, ${expires})
    on conflict (key) do update set
      hits = case when r.expires_at <= ${now} then 1 else r.hits + 1 end,
      window_start = case when r.expires_at <= ${now} then ${now} else r.window_start end,
      expires_at = case when r.expires_at <= ${now} then ${expires} else r.expires_at end
    returning hits, expires_at`.execute(db)
  const row = rows[0]
  if (row && row.hits > limit.max) {
    const seconds = Math.max(1, Math.ceil((new Date(row.expires_at).getTime() - now.getTime()) / 1000))
    throw new AppError('rate_limited', `Too many attempts. Try again in ${describeWait(seconds)}.`, { retryAfter: seconds })
  }
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`
  return `${Math.ceil(seconds / 60)} minutes`
}

export async function deleteExpiredLimits(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
