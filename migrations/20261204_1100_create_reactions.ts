import { sql, type Kysely } from 'kysely'

// Reactions (a small fixed set of emoji, one of each per reader and comment) beside votes.
// A comment carries its counts, kept in the transaction of every reaction, so a page reads no
// other table; the reactions themselves say who reacted (an account, or a guest's network hash).
// Sites choose who may react: nobody, signed-in readers (the default) or guests too.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('reactions', 'text', (c) => c.notNull().defaultTo('accounts').check(sql`reactions in ('off', 'accounts', 'everyone')`))
    .execute()
  await db.schema.alterTable('comments').addColumn('reactions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute()
  await db.schema
    .createTable('reactions')
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'uuid', (c) => c.notNull())
    // user:<account id> or guest:<salted hash of their network>, as reports and bans name authors.
    .addColumn('reactor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pkey', ['site_id', 'comment_id', 'reactor', 'kind'])
    .addForeignKeyConstraint('reactions_comment_fkey', ['site_id', 'comment_id'], 'comments', ['site_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
  // Everything of one reader (their export, their account's deletion), and on one site (the overlay).
  await db.schema.createIndex('reactions_reactor_idx').on('reactions').columns(['reactor', 'site_id']).execute()
}
