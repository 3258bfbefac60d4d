import { sql, type Kysely } from 'kysely'

// Account routes answer a page's CORS request only when some site allows its origin: found by it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index sites_allowed_origins_idx on sites using gin (allowed_origins)`.execute(db)
}
