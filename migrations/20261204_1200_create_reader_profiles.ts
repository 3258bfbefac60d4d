import { sql, type Kysely } from 'kysely'

// Reader profiles: private until a reader turns theirs on (once, for their account); a short
// bio of their own per site, which the site's moderators may hide; and sites that want none.
// A profile lists its reader's published comments on the site, newest first: an index range.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('profile_public', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  await db.schema.alterTable('sites').addColumn('public_profiles', 'boolean', (c) => c.notNull().defaultTo(true)).execute()
  await db.schema
    .createTable('reader_profiles')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bio_hidden_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reader_profiles_pkey', ['site_id', 'user_id'])
    .execute()
  // Whether a comment's author shows their profile, kept on the comment (comments/to-json.ts links the name)
  // so a thread page reads no other table; it changes with the reader's choice (profiles/profile-visibility.ts).
  await db.schema.alterTable('comments').addColumn('author_profile', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  await sql`create index comments_site_author_published_idx on comments (site_id, author_user_id, created_at desc, id desc)
    include (thread_id) where status = 'published' and author_user_id is not null`.execute(db)
}
