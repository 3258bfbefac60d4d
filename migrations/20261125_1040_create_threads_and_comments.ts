import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('threads')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    // Visible comments (what readers can see), kept in the transaction of every change.
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Position of the last comment posted; taken under the thread's row lock, so it is also commit order.
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    // Bumped by every change a reader could see: a cheap "has anything changed" check.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('threads_pkey', ['site_id', 'id'])
    .addUniqueConstraint('threads_site_id_key_key', ['site_id', 'key'])
    .execute()

  await db.schema
    .createTable('comments')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('thread_id', 'uuid', (c) => c.notNull())
    .addColumn('parent_id', 'uuid')
    .addColumn('root_id', 'uuid', (c) => c.notNull()) // the top-level ancestor; itself when top-level
    .addColumn('seq', 'integer', (c) => c.notNull())
    // seq of every ancestor then its own: sorting by path lists a branch depth-first, oldest first.
    .addColumn('path', sql`integer[]`, (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('author_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_email', 'text') // guests' address, for notifications only; never shown
    .addColumn('edit_token_hash', 'bytea') // SHA-256 of a guest's edit token
    .addColumn('body_source', 'text', (c) => c.notNull()) // Markdown, never HTML
    .addColumn('body_html', 'text', (c) => c.notNull()) // sanitised; the only text ever rendered
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('published', 'pending', 'hidden', 'deleted', 'spam')`),
    )
    .addColumn('score', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('downvotes', 'integer', (c) => c.notNull().defaultTo(0))
    // Direct replies that readers see in the tree (published ones and tombstones that have some).
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addPrimaryKeyConstraint('comments_pkey', ['site_id', 'id'])
    .addUniqueConstraint('comments_thread_seq_key', ['site_id', 'thread_id', 'seq'])
    .addForeignKeyConstraint('comments_thread_fkey', ['site_id', 'thread_id'], 'threads', ['site_id', 'id'], (c) =>
      c.onDelete('cascade'),
    )
    .addForeignKeyConstraint('comments_parent_fkey', ['site_id', 'parent_id'], 'comments', ['site_id', 'id'])
    .execute()

  // Top-level pages, oldest/newest first and by score: one index range per page.
  await db.schema
    .createIndex('comments_top_level_seq_idx')
    .on('comments')
    .columns(['site_id', 'thread_id', 'seq'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute()
  await db.schema
    .createIndex('comments_top_level_score_idx')
    .on('comments')
    .columns(['site_id', 'thread_id', 'score desc', 'seq desc'])
    .where(sql.ref('parent_id'), 'is', null)
    .execute()
  // The replies of one top-level comment, depth-first.
  await db.schema.createIndex('comments_branch_idx').on('comments').columns(['site_id', 'root_id', 'path']).execute()
  await db.schema.createIndex('comments_author_user_idx').on('comments').column('author_user_id').execute()
  // A guest's own comments, found by the hashes of the edit tokens their browser holds.
  await db.schema
    .createIndex('comments_edit_token_idx')
    .on('comments')
    .columns(['site_id', 'edit_token_hash'])
    .where(sql.ref('edit_token_hash'), 'is not', null)
    .execute()
}
