import { sql, type Kysely } from 'kysely'

// When a comment was first published: news of it (the followers' digests) goes out then, and
// not again when a moderator approves it a second time after an edit put it back into review.
// Null: never published, as far as is known. Set as a comment is posted published or approved;
// for older rows, as they first leave 'published' (change-status.ts), which is before any second
// approval. Rows that an edit holds in review now were published before: they are marked here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comments').addColumn('first_published_at', 'timestamptz').execute()
  await sql`update comments set first_published_at = created_at where status = 'pending' and moderation_reason like 'Edited.%'`.execute(db)
}
