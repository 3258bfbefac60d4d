import { sql, type Kysely } from 'kysely'

// Site rules replace the core's single guest setting. A site that pre-moderated guests now
// pre-moderates every comment: nothing that used to be held is published unseen.
// Authors can be banned (a user, or a guest by the salted hash of their network), shadow-banned
// or trusted; a thread can pin one top-level comment.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('premoderation', 'text', (c) => c.notNull().defaultTo('off').check(sql`premoderation in ('off', 'all', 'first')`))
    .addColumn('guests_allowed', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('blocked_words', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('blocked_links', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('max_links', 'integer', (c) => c.notNull().defaultTo(10).check(sql`max_links between 0 and 1000`))
    .addColumn('author_posts_per_hour', 'integer', (c) => c.notNull().defaultTo(30).check(sql`author_posts_per_hour between 1 and 100000`))
    .addColumn('spam_check', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  await sql`update sites set guests_allowed = guest_policy <> 'forbidden',
    premoderation = case when guest_policy = 'premoderated' then 'all' else 'off' end`.execute(db)
  await db.schema.alterTable('sites').dropColumn('guest_policy').execute()

  await sql`alter table comments drop constraint comments_status_check`.execute(db)
  await sql`alter table comments add constraint comments_status_check
    check (status in ('published', 'pending', 'hidden', 'deleted', 'spam', 'shadowed'))`.execute(db)
  await db.schema.alterTable('comments').addColumn('author_fingerprint', 'text').execute()
  await sql`create index comments_author_idx on comments (site_id, author_user_id, created_at) where author_user_id is not null`.execute(db)
  await sql`create index comments_guest_idx on comments (site_id, author_fingerprint, created_at) where author_fingerprint is not null`.execute(db)

  await sql`alter table moderation_actions drop constraint moderation_actions_target_kind_check`.execute(db)
  await sql`alter table moderation_actions add constraint moderation_actions_target_kind_check
    check (target_kind in ('comment', 'thread', 'author', 'site'))`.execute(db)

  // Hidden comments now stay in the tree as "hidden by a moderator": count those without
  // replies, which were out of it, on their parents.
  await sql`update comments p set reply_count = p.reply_count + h.n
    from (select site_id, parent_id, count(*)::int as n from comments
          where status = 'hidden' and reply_count = 0 and parent_id is not null group by site_id, parent_id) h
    where p.site_id = h.site_id and p.id = h.parent_id`.execute(db)

  await db.schema.alterTable('threads').addColumn('pinned_comment_id', 'uuid').execute()

  await db.schema
    .createTable('bans')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('author', 'text', (c) => c.notNull()) // user:<id> or guest:<salted hash>
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('lifted_at', 'timestamptz')
    .addPrimaryKeyConstraint('bans_pkey', ['site_id', 'id'])
    .execute()
  await sql`create index bans_author_idx on bans (site_id, author) where lifted_at is null`.execute(db)

  await db.schema
    .createTable('site_authors')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('trusted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('shadow_banned', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_authors_pkey', ['site_id', 'author'])
    .execute()

  // Moderators choose to hear about the queue; mails to one person are spaced out.
  await db.schema.alterTable('site_members').addColumn('notify_queue', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  await db.schema.alterTable('users').addColumn('queue_mailed_at', 'timestamptz').execute()
}
