import { sql, type Kysely } from 'kysely'

// What accounts need beyond users and sessions: one-time emailed tokens, OAuth identities and
// sign-in attempts, site invitations, rate-limit counters and the mail outbox. Secrets are
// stored only as SHA-256 hashes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('verify', 'reset')`))
    // A sign-up has no user yet: the account is made when its link is followed, with the
    // password and name given at that sign-up, so a stranger's earlier sign-up with the same
    // address cannot plant a password on it.
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('email_tokens_user_id_idx').on('email_tokens').column('user_id').execute()
  await db.schema.createIndex('email_tokens_expires_at_idx').on('email_tokens').column('expires_at').execute()

  await db.schema
    .createTable('oauth_identities')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('oauth_identities_pkey', ['provider', 'subject'])
    .execute()
  await db.schema.createIndex('oauth_identities_user_id_idx').on('oauth_identities').column('user_id').execute()

  await db.schema
    .createTable('oauth_attempts')
    .addColumn('state_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('oauth_attempts_expires_at_idx').on('oauth_attempts').column('expires_at').execute()

  await db.schema
    .createTable('site_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'moderator')`))
    .addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('site_invitations_site_id_idx').on('site_invitations').column('site_id').execute()

  // Fixed windows counted by one upsert, so instances share limits without a check-then-insert race.
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('rate_limits_expires_at_idx').on('rate_limits').column('expires_at').execute()

  await db.schema
    .createTable('outbox_mails')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text') // cleared once sent: it may hold a one-time link
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('failed_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute()
  await sql`create index outbox_mails_due_idx on outbox_mails (next_attempt_at) where sent_at is null and failed_at is null`.execute(
    db,
  )

  await db.schema.alterTable('sessions').addColumn('last_used_at', 'timestamptz').execute()
}
