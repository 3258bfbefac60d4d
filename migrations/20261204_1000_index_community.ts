import { sql, type Kysely } from 'kysely'

// The community view of a site (src/community/): its newest visible comments, and the threads
// most commented in a recent window, are index ranges over published comments by time; the
// thread list is an index range over threads by when they started.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index comments_site_published_idx on comments (site_id, created_at desc, id desc) include (thread_id)
    where status = 'published'`.execute(db)
  await sql`create index threads_site_created_idx on threads (site_id, created_at desc, id desc)`.execute(db)
}
