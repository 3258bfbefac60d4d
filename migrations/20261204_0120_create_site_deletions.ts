import { sql, type Kysely } from 'kysely'

// A deleted site takes its own audit log with it, so its deletion is recorded here, outside any
// site: which site, who deleted it (an account or the operator), what it held, and when.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('site_deletions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('origins', sql`text[]`, (c) => c.notNull())
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('by_operator', 'boolean', (c) => c.notNull())
    .addColumn('threads', 'integer', (c) => c.notNull())
    .addColumn('comments', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz', (c) => c.notNull())
    .execute()
}
