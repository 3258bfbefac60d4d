import type { Kysely } from 'kysely'

// Edits keep their history: every edit first saves the text it replaces, for moderators.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comment_versions')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body_source', 'text', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('comment_versions_pkey', ['site_id', 'comment_id', 'version'])
    .addForeignKeyConstraint('comment_versions_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) =>
      c.onDelete('cascade'),
    )
    .execute()
}
