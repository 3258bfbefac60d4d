import { sql, type Kysely } from 'kysely'
import type { Database, ModerationActionsTable } from '../db/schema.ts'

// The audit log of a site: who did what to which comment, author, thread or setting, when and
// why. Every action that changes what readers see or what a site allows writes its entry in the
// same transaction as the change; moderators and owners read it back.

/** Writes one entry, in the caller's transaction. */
export async function recordAction(
  trx: Kysely<Database>,
  entry: { siteId: string; actorUserId: string | null; byOperator?: boolean; action: string; targetKind: ModerationActionsTable['target_kind']; targetId: string; reason: string | null },
  now: Date,
): Promise<void> {
  await trx
    .insertInto('moderation_actions')
    .values({
      site_id: entry.siteId,
      actor_user_id: entry.actorUserId,
      by_operator: entry.byOperator ?? false,
      action: entry.action,
      target_kind: entry.targetKind,
      target_id: entry.targetId,
      reason: entry.reason,
      created_at: now,
    })
    .execute()
}

/** What an entry acted on, in words: a comment's author, the start of its text and its page; an author's name. */
export interface AuditTarget {
  name?: string
  excerpt?: string
  page?: { title: string; url: string }
  /** The readers a comment mentions: told when it was published, nobody while it was held or hidden. */
  mentions?: string[]
  /** A comment's reactions, by kind. */
  reactions?: Record<string, number>
}

export interface AuditEntry {
  action: string
  actor: string | null
  byOperator: boolean
  targetKind: string
  targetId: string
  target: AuditTarget
  reason: string | null
  at: Date
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const EXCERPT_LENGTH = 80

/** The first words of a comment's Markdown, on one line. */
function excerptOf(markdown: string): string {
  const line = markdown.replace(/\s+/g, ' ').trim()
  return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH - 1)}…` : line
}

/** Names for the comments and authors a page of entries acted on: two queries, whatever the page's size. */
async function nameTargets(db: Kysely<Database>, siteId: string, rows: ReadonlyArray<{ target_kind: string; target_id: string }>) {
  const ids = (kind: string, test: (id: string) => boolean) => [...new Set(rows.filter((r) => r.target_kind === kind && test(r.target_id)).map((r) => r.target_id))]
  const commentIds = ids('comment', (id) => UUID.test(id))
  const accountIds = ids('author', (id) => id.startsWith('user:') && UUID.test(id.slice(5))).map((id) => id.slice(5))
  const fingerprints = ids('author', (id) => id.startsWith('guest:')).map((id) => id.slice(6))
  const [comments, accounts, guests] = await Promise.all([
    commentIds.length === 0
      ? []
      : db
          .selectFrom('comments as c')
          .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
          .select(['c.id', 'c.author_name', 'c.body_source', 't.title', 't.url', 'c.reactions'])
          .select(sql<string[] | null>`(select array_agg(u.display_name order by u.display_name) from users u where u.id = any (c.mentions))`.as('mentioned'))
          .where('c.site_id', '=', siteId)
          .where('c.id', 'in', commentIds)
          .execute(),
    accountIds.length === 0 ? [] : db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', accountIds).execute(),
    fingerprints.length === 0
      ? []
      : db
          .selectFrom('comments')
          .distinctOn('author_fingerprint')
          .select(['author_fingerprint', 'author_name'])
          .where('site_id', '=', siteId)
          .where('author_fingerprint', 'in', fingerprints)
          .orderBy('author_fingerprint')
          .orderBy('created_at', 'desc')
          .execute(),
  ])
  const targets = new Map<string, AuditTarget>()
  for (const c of comments)
    targets.set(`comment ${c.id}`, {
      name: c.author_name || undefined, excerpt: excerptOf(c.body_source) || undefined, page: { title: c.title, url: c.url },
      ...(c.mentioned?.length ? { mentions: c.mentioned } : {}), ...(Object.keys(c.reactions).length ? { reactions: c.reactions } : {}),
    })
  for (const u of accounts) targets.set(`author user:${u.id}`, { name: u.display_name })
  for (const g of guests) targets.set(`author guest:${g.author_fingerprint}`, { name: g.author_name })
  return targets
}

/** The latest 200 audit entries, newest first, with the acting account's name and what they acted on, named. */
export async function readAuditLog(db: Kysely<Database>, siteId: string): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('moderation_actions as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.action', 'a.by_operator', 'u.display_name', 'a.target_kind', 'a.target_id', 'a.reason', 'a.created_at'])
    .where('a.site_id', '=', siteId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(200)
    .execute()
  const targets = await nameTargets(db, siteId, rows)
  return rows.map((r) => ({
    action: r.action, actor: r.display_name, byOperator: r.by_operator, targetKind: r.target_kind, targetId: r.target_id,
    target: targets.get(`${r.target_kind} ${r.target_id}`) ?? {}, reason: r.reason, at: r.created_at,
  }))
}
