import { sql, type Kysely } from 'kysely'

// Mailing a reset link ends the unused ones mailed to the same address before it: found by address.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index email_tokens_open_resets_idx on email_tokens (email) where purpose = 'reset' and used_at is null`.execute(db)
}
