import { sql, type Kysely } from 'kysely'

// A guest's address, once confirmed, no longer lets anyone who types it add mail to it. Each
// browser that asks for mail with a guest address gets a key (the widget keeps it); a
// confirmation link is bound to the key it was sent for, and confirming trusts that key. What a
// key asks for waits (`pending_key`) until the key is trusted: the same browser then needs no
// second confirmation, and a stranger's key, never confirmed, goes with its waiting follows
// a week after it was last presented.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notify_keys')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull())
    .addColumn('trusted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notify_keys_pkey', ['site_id', 'id'])
    .addForeignKeyConstraint('notify_keys_recipient_fkey', ['site_id', 'recipient_id'], 'notify_recipients', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
  await sql`create index notify_keys_untrusted_idx on notify_keys (used_at) where trusted_at is null`.execute(db)

  await sql`alter table notify_subscriptions add column pending_key text,
    add constraint notify_subscriptions_key_fkey foreign key (site_id, pending_key) references notify_keys (site_id, id) on delete cascade`.execute(db)
  await sql`create index notify_subscriptions_pending_idx on notify_subscriptions (site_id, pending_key) where pending_key is not null`.execute(db)

  await sql`alter table notify_tokens add column key_id text,
    add constraint notify_tokens_key_fkey foreign key (site_id, key_id) references notify_keys (site_id, id) on delete cascade`.execute(db)
}
