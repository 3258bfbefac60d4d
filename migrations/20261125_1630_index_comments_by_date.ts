import { sql, type Kysely } from 'kysely'

// The dashboard's chart counts a site's comments per day over 30 days: an index range, not a
// scan of everything the site ever had.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index comments_site_time_idx on comments (site_id, created_at)`.execute(db)
}
