import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.ts'

/**
 * A busy site for the community and profile pages: `threads` articles of `perThread` published
 * comments each (100,000 by default), spread over the last 90 days, a quarter of them replies, written
 * by `readers` accounts that show their profiles. Bulk SQL, as an import would leave it; the
 * caller analyses afterwards. Returns a reader's id, a thread's URL and the seeding time.
 */
export async function seedCommunity(db: Kysely<Database>, siteId: string, origin: string, threads = 2000, perThread = 50, readers = 200) {
  const started = performance.now()
  const now = new Date()
  // Ids as gen_random_uuid() makes them (version 4), deterministic so the comments can name their authors.
  await sql`insert into users (id, display_name, profile_public, created_at)
    select overlay(overlay(md5('bench-reader-' || i) placing '4' from 13) placing '8' from 17)::uuid, 'Reader ' || i, true, ${now}::timestamptz - interval '200 days'
    from generate_series(1, ${readers}) i`.execute(db)
  await sql`insert into threads (site_id, key, url, title, comment_count, last_seq, version, created_at, updated_at)
    select ${siteId}, ${origin} || '/community/' || i, ${origin} || '/community/' || i, 'Article ' || i, ${perThread}, ${perThread}, 1,
      ${now}::timestamptz - ((i::bigint * 90 * 86400 / ${threads}) || ' seconds')::interval, ${now}
    from generate_series(1, ${threads}) i`.execute(db)
  // Comment s of a thread answers comment s - 1 when s is a multiple of 4 (a quarter are replies, one level deep).
  await sql`insert into comments (site_id, id, thread_id, parent_id, root_id, seq, path, depth, author_user_id, author_name, author_profile,
      body_source, body_html, status, reply_count, created_at)
    select t.site_id, md5(t.id::text || s)::uuid, t.id,
      case when s % 4 = 0 then md5(t.id::text || (s - 1))::uuid end,
      case when s % 4 = 0 then md5(t.id::text || (s - 1))::uuid else md5(t.id::text || s)::uuid end,
      s, case when s % 4 = 0 then array[s - 1, s] else array[s] end, case when s % 4 = 0 then 1 else 0 end,
      overlay(overlay(md5('bench-reader-' || (1 + (hashtext(t.id::text || s) & 2147483647) % ${readers})) placing '4' from 13) placing '8' from 17)::uuid,
      'Reader ' || (1 + (hashtext(t.id::text || s) & 2147483647) % ${readers}), true,
      'A comment of about this length, on *the* article, with [a link](https://example.org).',
      '<p>A comment of about this length, on <em>the</em> article, with <a href="https://example.org" rel="nofollow ugc noopener noreferrer">a link</a>.</p>',
      'published', case when s % 4 = 3 then 1 else 0 end,
      t.created_at + ((s::bigint * 3600 * 24 * 3 / ${perThread}) || ' seconds')::interval
    from threads t cross join generate_series(1, ${perThread}) s
    where t.site_id = ${siteId}`.execute(db)
  const reader = await db.selectFrom('users').select('id').where('display_name', '=', 'Reader 7').executeTakeFirstOrThrow()
  return { readerId: reader.id, threadUrl: `${origin}/community/1000`, seedMs: performance.now() - started }
}
