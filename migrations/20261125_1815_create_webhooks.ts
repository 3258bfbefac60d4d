import { sql, type Kysely } from 'kysely'

// Webhooks: a site's endpoints, the outbox of deliveries (a row per event per subscribed
// endpoint, written in the transaction of the write that caused it, deleted once delivered or
// given up), and the log of attempts (the last hundred per endpoint). Per-site tables: site_id
// leads every key, as the sharding rule wants.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', sql`text[]`, (c) => c.notNull())
    // The signing key itself (whsec_…): HMAC needs it, so it cannot be stored hashed.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhooks_pkey', ['site_id', 'id'])
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('site_id', 'text', (c) => c.notNull())
    // Also the message's webhook-id header: the same on every attempt, so receivers can drop repeats.
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('webhook_id', 'uuid', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    // The exact JSON text sent, fixed when the event happened.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_until', 'timestamptz')
    .addPrimaryKeyConstraint('webhook_deliveries_pkey', ['site_id', 'id'])
    .addForeignKeyConstraint('webhook_deliveries_webhook_fkey', ['site_id', 'webhook_id'], 'webhooks', ['site_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute()
  await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)`.execute(db)
  await sql`create index webhook_deliveries_webhook_idx on webhook_deliveries (site_id, webhook_id)`.execute(db)

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('webhook_id', 'uuid', (c) => c.notNull())
    .addColumn('delivery_id', 'uuid', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_excerpt', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('delivered', 'retrying', 'failed')`))
    .addColumn('next_attempt_at', 'timestamptz')
    .addPrimaryKeyConstraint('webhook_attempts_pkey', ['site_id', 'id'])
    .addForeignKeyConstraint('webhook_attempts_webhook_fkey', ['site_id', 'webhook_id'], 'webhooks', ['site_id', 'id'], (fk) => fk.onDelete('cascade'))
    .execute()
  await sql`create index webhook_attempts_log_idx on webhook_attempts (site_id, webhook_id, attempted_at desc, attempt desc)`.execute(db)
}
