import { sql, type Kysely } from 'kysely'

// A post sent with an Idempotency-Key is remembered for a day, so a client that lost the answer
// (a database restart mid-request, a dropped connection) and sends it again gets the first
// comment back instead of posting a second one. The key itself is never stored: the row is found
// by a hash of it, and the answer's secrets (a guest's edit token, the key for reply mail) are
// kept sealed (AES-GCM) under another key derived from it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'bytea', (c) => c.notNull())
    .addColumn('request_hash', 'bytea', (c) => c.notNull())
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    .addColumn('sealed_secrets', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['site_id', 'key_hash'])
    .addForeignKeyConstraint('idempotency_keys_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
  await sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`.execute(db)
}
