import { sql, type Kysely } from 'kysely'

// Reply and thread notifications for readers. A recipient is one person on one site: an
// account (its verified address) or a guest's address, which mails nothing but its confirmation
// until confirmed. Subscriptions name a thread or one comment (its replies); events are
// comments waiting for a recipient's next digest. Tokens (confirm, unsubscribe) are stored
// as SHA-256 hashes. The outbox learns each mail's site (for the owner's delivery log) and
// extra headers (List-Unsubscribe).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox_mails')
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade'))
    .addColumn('headers', 'jsonb')
    .execute()
  await sql`create index outbox_mails_site_idx on outbox_mails (site_id, created_at desc) where site_id is not null`.execute(db)

  await db.schema
    .alterTable('users')
    .addColumn('notify_replies', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('notify_locale', 'text', (c) => c.notNull().defaultTo('en').check(sql`notify_locale in ('en', 'ja')`))
    .execute()

  await db.schema
    .createTable('notify_recipients')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en').check(sql`locale in ('en', 'ja')`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('mailed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notify_recipients_pkey', ['site_id', 'id'])
    .addCheckConstraint('notify_recipients_who', sql`(user_id is null) <> (email is null)`)
    .execute()
  await sql`create unique index notify_recipients_user_idx on notify_recipients (site_id, user_id) where user_id is not null`.execute(db)
  await sql`create unique index notify_recipients_email_idx on notify_recipients (site_id, email) where email is not null`.execute(db)

  await db.schema
    .createTable('notify_subscriptions')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('recipient_id', 'uuid', (c) => c.notNull())
    .addColumn('thread_id', 'uuid')
    .addColumn('comment_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notify_subscriptions_pkey', ['site_id', 'id'])
    .addForeignKeyConstraint('notify_subscriptions_recipient_fkey', ['site_id', 'recipient_id'], 'notify_recipients', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .addForeignKeyConstraint('notify_subscriptions_thread_fkey', ['site_id', 'thread_id'], 'threads', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .addForeignKeyConstraint('notify_subscriptions_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .addCheckConstraint('notify_subscriptions_what', sql`(thread_id is null) <> (comment_id is null)`)
    .execute()
  await sql`create unique index notify_subscriptions_thread_idx on notify_subscriptions (site_id, thread_id, recipient_id) where thread_id is not null`.execute(db)
  await sql`create unique index notify_subscriptions_comment_idx on notify_subscriptions (site_id, comment_id, recipient_id) where comment_id is not null`.execute(db)
  await sql`create index notify_subscriptions_recipient_idx on notify_subscriptions (site_id, recipient_id)`.execute(db)

  await db.schema
    .createTable('notify_events')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull())
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notify_events_pkey', ['site_id', 'recipient_id', 'comment_id'])
    .addForeignKeyConstraint('notify_events_recipient_fkey', ['site_id', 'recipient_id'], 'notify_recipients', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .addForeignKeyConstraint('notify_events_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()

  await db.schema
    .createTable('notify_tokens')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('confirm', 'unsubscribe')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('notify_tokens_pkey', ['site_id', 'id'])
    .addForeignKeyConstraint('notify_tokens_recipient_fkey', ['site_id', 'recipient_id'], 'notify_recipients', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
}
