import { sql, type Kysely } from 'kysely'

// Users, their sessions and OAuth identities have no site: they stay small and can become
// Citus reference tables. Everything per-site carries site_id in every key.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text') // stored lower-cased; null for accounts made without one
    .addColumn('email_verified_at', 'timestamptz')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text') // PHC string, so its parameters can be raised later
    .addColumn('is_instance_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('users_email_key').unique().on('users').column('email').execute()

  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allowed_origins', sql`text[]`, (c) => c.notNull())
    .addColumn('guest_policy', 'text', (c) =>
      c.notNull().defaultTo('allowed').check(sql`guest_policy in ('allowed', 'premoderated', 'forbidden')`),
    )
    .addColumn('edit_window_seconds', 'integer', (c) => c.notNull().defaultTo(900).check(sql`edit_window_seconds >= 0`))
    .addColumn('max_comment_length', 'integer', (c) =>
      c.notNull().defaultTo(10000).check(sql`max_comment_length between 1 and 50000`),
    )
    .addColumn('allows_images', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reserves_tdm', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull()) // SHA-256 of the token's secret part
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('site_id', 'text', (c) => c.references('sites.id').onDelete('cascade')) // null: dashboard session
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute()
  await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute()

  await db.schema
    .createTable('site_members')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner', 'moderator')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('site_members_pkey', ['site_id', 'user_id'])
    .execute()
  await db.schema.createIndex('site_members_user_id_idx').on('site_members').column('user_id').execute()
}
