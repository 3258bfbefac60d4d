import { sql, type Kysely } from 'kysely'

// Tokens for owners' scripts: one site, one scope, acting for the owner who made them. Only a
// hash of the secret is kept; `last_used_at` tells owners which ones are still in use.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('read', 'moderate', 'admin')`))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addPrimaryKeyConstraint('api_tokens_pkey', ['site_id', 'id'])
    .execute()
  // A presented token names its id, not its site: this finds it.
  await sql`create unique index api_tokens_id_idx on api_tokens (id)`.execute(db)
}
