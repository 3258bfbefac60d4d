import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('votes')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('value', 'smallint', (c) => c.notNull().check(sql`value in (-1, 1)`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('votes_pkey', ['site_id', 'comment_id', 'user_id'])
    .addForeignKeyConstraint('votes_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) =>
      c.onDelete('cascade'),
    )
    .execute()
  await db.schema.createIndex('votes_user_id_idx').on('votes').column('user_id').execute()
}
