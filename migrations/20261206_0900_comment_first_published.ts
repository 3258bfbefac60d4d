import { sql, type Kysely } from 'kysely'

// When a comment was first published: news of it (the followers' digests) goes out then, and
// not again when a moderator approves it a second time after an edit put it back into review,
// or after a lifted shadow ban sent it to the queue. Null: never published, as far as is known.
// Set as a comment is posted published or approved; for older rows, as they first leave
// 'published' (change-status.ts), which is before any second approval. Older rows that have
// left it already are marked here: those an edit holds in review, and those a shadow ban took
// out of sight (shadowed, or queued when the ban was lifted) that were posted before that ban.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('first_published_at', 'timestamptz').execute()
  await sql`
    update comments c set first_published_at = c.created_at
    where (c.status = 'pending' and c.moderation_reason like 'Edited.%')
      or ((c.status = 'shadowed' or (c.status = 'pending' and c.moderation_reason like 'Posted while shadow-banned%'))
        and exists (select 1 from moderation_actions a where a.site_id = c.site_id and a.action = 'shadow-ban' and a.created_at >= c.created_at
          and a.target_id = coalesce('user:' || c.author_user_id::text, 'guest:' || c.author_fingerprint)))`.execute(db)
}
