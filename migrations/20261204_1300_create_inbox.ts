import { sql, type Kysely } from 'kysely'

// Mentions and a reader's inbox. A comment keeps the accounts it mentions (resolved among its
// thread's participants when posted), so that its news goes out when it is published, whenever
// that is. The inbox holds, per reader and site, the replies to them and the mentions of them,
// for 90 days; read or not.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('mentions', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`)).execute()
  await db.schema
    .createTable('inbox_items')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('reply', 'mention')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .addPrimaryKeyConstraint('inbox_items_pkey', ['site_id', 'user_id', 'comment_id'])
    .addForeignKeyConstraint('inbox_items_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
  await db.schema.createIndex('inbox_items_reader_idx').on('inbox_items').columns(['site_id', 'user_id', 'created_at desc']).execute()
  // The 90-day sweep.
  await db.schema.createIndex('inbox_items_created_idx').on('inbox_items').column('created_at').execute()
}
