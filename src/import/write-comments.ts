import { sql, type Kysely } from 'kysely'
import type { CommentStatus, Database } from '../db/schema.ts'
import { guestName, PLACEHOLDER_NAME, usableEmail } from './imported-authors.ts'
import { importedBody } from './imported-body.ts'
import type { CommentToPlace, Placement } from './place-comments.ts'
import type { StagedComment } from './stage.ts'
import { emptyByState, REASONS } from './summary.ts'
import type { WriteContext } from './write-context.ts'

// The comments of one thread's transaction, a batch at a time: their bodies read from the
// staged records, rendered, their authors linked, and each comment's source id remembered.

/** New comments per insert; a thread's comments go in parents first, so every reply finds its parent. */
export const BATCH = 500

/** This run's staged records; read through the thread's transaction inside it (PGlite has one connection). */
export function staged(ctx: WriteContext, db: Kysely<Database> = ctx.db) {
  return db.selectFrom('import_items').where('site_id', '=', ctx.site.id).where('import_id', '=', ctx.importId)
}

/** A staged date (ISO 8601), or undefined where the parser could not read one. */
export function parseDate(iso: string | null): Date | undefined {
  if (!iso) return undefined
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** A new comment's columns, as the batch insert reads them from JSON. */
interface ImportedRow {
  id: string
  parent_id: string | null
  root_id: string
  seq: number
  path: number[]
  depth: number
  author_user_id: string | null
  author_name: string
  author_email: string | null
  body_source: string
  body_html: string
  status: CommentStatus
  reply_count: number
  created_at: string
  edited_at: string | null
  deleted_at: string | null
  moderation_reason: string | null
  reason_public: boolean
}

/** What one thread's transaction added; counted in the summary once it commits. */
export function newAdded() {
  return { imported: 0, linked: 0, byState: emptyByState() }
}
export type Added = ReturnType<typeof newAdded>

/** One batch of a thread's new comments, with their source ids. */
export async function insertBatch(
  trx: Kysely<Database>,
  ctx: WriteContext,
  threadId: string,
  batch: ReadonlyArray<{ c: CommentToPlace; p: Placement }>,
  added: Added,
  repairs: Array<{ n: number; reason: string }>,
): Promise<void> {
  const records = await staged(ctx, trx)
    .select(['n', 'data'])
    .where('n', '=', sql<number>`any(${batch.map((b) => b.c.n)}::int[])`)
    .execute()
  const dataOf = new Map(records.map((r) => [r.n, r.data as StagedComment]))
  const emails = new Map<number, string>()
  for (const { c } of batch) {
    const email = usableEmail(dataOf.get(c.n)?.author.email)
    if (email) emails.set(c.n, email)
  }
  const accounts = await ctx.linkAccounts(trx, emails.values())
  const options = { allowsImages: ctx.site.allows_images }
  const rows: ImportedRow[] = []
  for (const { c, p } of batch) {
    const data = dataOf.get(c.n)
    if (!data) continue
    const removed = c.status === 'deleted'
    const email = emails.get(c.n)
    const account = email ? accounts.get(email) : undefined
    let name = account?.name ?? guestName(data.author.name)
    if (name === undefined && !removed) {
      repairs.push({ n: c.n, reason: REASONS.missingName })
      name = PLACEHOLDER_NAME
    }
    // A removed comment keeps its place and nothing of what it said or who said it.
    const body = removed ? { source: '', html: '' } : importedBody(ctx.markdown, data.body, options)
    if (account && !removed) added.linked++
    added.byState[data.state]++
    rows.push({
      id: p.id,
      parent_id: p.parentId,
      root_id: p.rootId,
      seq: p.seq,
      path: p.path,
      depth: p.depth,
      author_user_id: removed ? null : (account?.userId ?? null),
      author_name: removed ? '' : (name ?? PLACEHOLDER_NAME),
      author_email: removed || account ? null : (email ?? null),
      body_source: body.source,
      body_html: body.html,
      status: c.status,
      reply_count: p.replyCount,
      created_at: c.createdAt.toISOString(),
      edited_at: parseDate(data.editedAt)?.toISOString() ?? null,
      deleted_at: removed ? (parseDate(data.editedAt) ?? c.createdAt).toISOString() : null,
      moderation_reason: data.moderationReason ?? null,
      reason_public: data.reasonPublic === true,
    })
  }
  added.imported += rows.length
  // One JSON parameter for the whole batch: thousands of bound values cost more to build and
  // send than the insert itself.
  await sql`
    insert into comments (site_id, thread_id, id, parent_id, root_id, seq, path, depth, author_user_id, author_name, author_email,
      body_source, body_html, status, reply_count, created_at, edited_at, deleted_at, moderation_reason, reason_public)
    select ${ctx.site.id}, ${threadId}::uuid, r.id, r.parent_id, r.root_id, r.seq, r.path, r.depth, r.author_user_id, r.author_name,
      r.author_email, r.body_source, r.body_html, r.status, r.reply_count, r.created_at, r.edited_at, r.deleted_at, r.moderation_reason, r.reason_public
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(id uuid, parent_id uuid, root_id uuid, seq int, path int[], depth int,
      author_user_id uuid, author_name text, author_email text, body_source text, body_html text, status text, reply_count int,
      created_at timestamptz, edited_at timestamptz, deleted_at timestamptz, moderation_reason text, reason_public boolean)`.execute(trx)
  await sql`
    insert into import_sources (site_id, format, kind, source_id, target_id)
    select ${ctx.site.id}, ${ctx.format}, 'comment', u.source_id, u.target_id
    from unnest(${batch.map(({ c }) => c.sourceId)}::text[], ${batch.map(({ p }) => p.id)}::uuid[]) as u(source_id, target_id)`.execute(trx)
}
