import { sql, type Kysely } from 'kysely'

// Moderation: every action leaves an audit entry (who, what, on what, when, why), and a
// comment remembers why it was hidden and whether readers may see that reason.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('moderation_actions')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('comment', 'thread', 'user', 'guest')`))
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('moderation_actions_pkey', ['site_id', 'id'])
    .execute()
  await db.schema.createIndex('moderation_actions_site_time_idx').on('moderation_actions').columns(['site_id', 'created_at']).execute()

  await db.schema
    .alterTable('comments')
    .addColumn('moderation_reason', 'text')
    .addColumn('reason_public', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  await sql`create index comments_pending_idx on comments (site_id, created_at) where status = 'pending'`.execute(db)
}
