import { sql, type Kysely } from 'kysely'

// A shadow-banned reader's reactions are kept (they still see them as given) but left out of
// the public counts and of who reacted. Each reaction says whether it is counted; a comment's
// counts are exactly its counted reactions by kind. Reactions given by readers shadow-banned
// before this ran stop counting now, and their pages are read anew (their version moves).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reactions').addColumn('counted', 'boolean', (c) => c.notNull().defaultTo(true)).execute()
  await sql`
    update reactions r set counted = false
    from site_authors a
    where a.site_id = r.site_id and a.author = r.reactor and a.shadow_banned`.execute(db)
  await sql`
    with recounted as (
      update comments c set reactions = coalesce((select jsonb_object_agg(k.kind, k.n) from (select r.kind, count(*)::int as n
        from reactions r where r.site_id = c.site_id and r.comment_id = c.id and r.counted group by r.kind) k), '{}'::jsonb)
      where exists (select 1 from reactions r where r.site_id = c.site_id and r.comment_id = c.id and not r.counted)
      returning c.site_id, c.thread_id
    )
    update threads t set version = t.version + 1
    from (select distinct site_id, thread_id from recounted) g
    where t.site_id = g.site_id and t.id = g.thread_id`.execute(db)
}
