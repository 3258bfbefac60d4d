import { sql, type Kysely } from 'kysely'

// Sign-in with a host site's own accounts: a secret per site signs short-lived tokens; each
// token's nonce is remembered until the token expires, so none is used twice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sites').addColumn('sso_secret', 'text').execute()
  await db.schema
    .createTable('sso_nonces')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sso_nonces_pkey', ['site_id', 'nonce'])
    .execute()
  await sql`create index sso_nonces_expires_idx on sso_nonces (expires_at)`.execute(db)
}
