import { sql, type Kysely } from 'kysely'

// Readers report comments, once each; enough distinct reports hide a comment until a
// moderator looks. Guests are told apart by a salted hash of their network, never the address.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('report_threshold', 'integer', (c) => c.notNull().defaultTo(3).check(sql`report_threshold >= 1`))
    .addColumn('hash_salt', 'bytea')
    .execute()
  await db.schema
    .createTable('reports')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    .addColumn('reporter', 'text', (c) => c.notNull()) // user:<id> or guest:<salted hash>
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('spam', 'abuse', 'off-topic', 'other')`))
    .addColumn('text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addPrimaryKeyConstraint('reports_pkey', ['site_id', 'comment_id', 'reporter'])
    .addForeignKeyConstraint('reports_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
  await sql`create index reports_open_idx on reports (site_id, created_at) where resolved_at is null`.execute(db)
}
