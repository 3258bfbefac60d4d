import type { Kysely } from 'kysely'

// While no instance admin exists, each start of the server logs a setup link; the database keeps
// only a hash of its secret. The first admin made through any of them removes them all.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('setup_secrets')
    .addColumn('secret_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
}
