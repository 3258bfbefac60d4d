import { sql, type Kysely } from 'kysely'
import type { CommentRow, CommentStatus, Database } from '../db/schema.ts'
import { announcement } from '../threads/thread-changes.ts'
import type { IdempotencyClaim } from './idempotency.ts'

/**
 * How deep replies may nest. Each level adds to the path that the branch index holds, and
 * Postgres caps an index entry near 2.7 kB; readers stop following long before this.
 */
export const MAX_DEPTH = 100

export interface CommentInsert {
  siteId: string
  id: string
  page: { key: string; url: string; title: string }
  parentId: string | null
  authorUserId: string | null
  /** The author's role on the site, shown with the comment as a badge. */
  authorRole?: 'owner' | 'moderator' | null
  authorName: string
  authorEmail: string | null
  editTokenHash: Uint8Array | null
  bodySource: string
  bodyHtml: string
  status: CommentStatus
  heldBecause: string | null
  authorFingerprint: string | null
  /** Accounts it mentions (comments/mentions.ts). */
  mentions?: string[]
  now: Date
  /** The post's Idempotency-Key, claimed in the same statement: a key taken already writes nothing. */
  claim?: IdempotencyClaim
}

/**
 * Posting is one statement, so the thread row is locked only while Postgres executes it, not
 * across network round trips: posts to one busy thread queue for microseconds, not
 * milliseconds. In order, all or nothing:
 * - lock the parent, which must be published, on the same page and not at MAX_DEPTH (the order
 *   a delete locks in);
 * - claim the Idempotency-Key, if any: when another post holds it (committed, or committing
 *   now, which Postgres waits for), nothing below happens;
 * - create the thread, or lock it and take its next seq; a locked thread takes nothing.
 *   seq is taken under the row lock, so it is also commit order, which keeps cursors exact;
 * - insert the comment under its parent's path, and count it on the parent;
 * - if it is published, NOTIFY the live feed, which Postgres delivers at commit.
 * Returns undefined when a check failed; nothing was written then.
 */
/** The comment as stored, and the thread's version its insert made (what a reader's next read must show at least). */
export type InsertedComment = CommentRow & { thread_version: number }

export async function insertComment(db: Kysely<Database>, c: CommentInsert): Promise<InsertedComment | undefined> {
  const visible = c.status === 'published' ? 1 : 0
  const claim = c.claim
  const { rows } = await sql<InsertedComment>`
    with parent as (
      select p.id, p.root_id, p.path, p.depth from comments p
      join threads t on t.site_id = p.site_id and t.id = p.thread_id and t.key = ${c.page.key}
      where p.site_id = ${c.siteId} and p.id = ${c.parentId}::uuid and p.status = 'published' and p.depth < ${MAX_DEPTH}
      for update of p
    ),
    claim as (
      insert into idempotency_keys as k (site_id, key_hash, request_hash, comment_id, sealed_secrets, created_at)
      select ${c.siteId}, ${claim?.keyHash ?? null}::bytea, ${claim?.requestHash ?? null}::bytea, ${c.id}, ${claim?.sealedSecrets ?? null}::bytea, ${c.now}
      where ${claim?.keyHash ?? null}::bytea is not null
      -- A key past its window is not yet swept; it no longer counts.
      on conflict (site_id, key_hash) do update set request_hash = excluded.request_hash, comment_id = excluded.comment_id,
        sealed_secrets = excluded.sealed_secrets, created_at = excluded.created_at
      where k.created_at <= ${claim?.expiredBefore ?? c.now}
      returning 1
    ),
    proposal as (
      select 1 where (${c.parentId}::uuid is null or exists (select 1 from parent))
        and (${claim?.keyHash ?? null}::bytea is null or exists (select 1 from claim))
    ),
    thread as (
      insert into threads as t (site_id, key, url, title, comment_count, last_seq, version, created_at, updated_at)
      select ${c.siteId}, ${c.page.key}, ${c.page.url}, ${c.page.title}, ${visible}, 1, 1, ${c.now}, ${c.now} from proposal
      on conflict (site_id, key) do update set
        last_seq = t.last_seq + 1,
        comment_count = t.comment_count + excluded.comment_count,
        version = t.version + 1,
        updated_at = excluded.updated_at,
        title = coalesce(nullif(t.title, ''), excluded.title)
      where t.locked_at is null
      returning t.id, t.last_seq, t.version
    ),
    comment as (
      insert into comments (site_id, id, thread_id, parent_id, root_id, seq, path, depth, author_user_id, author_role, author_name,
        author_email, edit_token_hash, body_source, body_html, status, moderation_reason, author_fingerprint, created_at, author_profile, mentions, first_published_at)
      select ${c.siteId}, ${c.id}, thread.id, parent.id, coalesce(parent.root_id, ${c.id}), thread.last_seq,
        coalesce(parent.path, '{}'::int[]) || thread.last_seq, coalesce(parent.depth + 1, 0), ${c.authorUserId}::uuid,
        ${c.authorRole ?? null}, ${c.authorName}, ${c.authorEmail}, ${c.editTokenHash}, ${c.bodySource}, ${c.bodyHtml}, ${c.status}, ${c.heldBecause},
        ${c.authorFingerprint}, ${c.now},
        coalesce((select u.profile_public from users u where u.id = ${c.authorUserId}::uuid), false), ${c.mentions ?? []}::uuid[],
        ${c.status === 'published' ? c.now : null}::timestamptz
      from thread left join parent on true
      returning *
    ),
    counted as (
      update comments set reply_count = reply_count + ${visible}
      where site_id = ${c.siteId} and id = (select parent_id from comment) and ${visible} = 1
    )
    -- Every process's readers hear of a published comment at commit, and only then (live/feed.ts).
    select comment.*, (select version from thread) as thread_version, case when comment.status = 'published'
      then ${announcement(sql`comment.site_id`, c.page.key, 'new', sql`comment.id`)} end as announced
    from comment`.execute(db)
  return rows[0]
}
