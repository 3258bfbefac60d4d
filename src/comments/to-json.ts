import type { z } from '@hono/zod-openapi'
import { sha256 } from '@oslojs/crypto/sha2'
import type { CommentRow, ThreadRow } from '../db/schema.ts'
import type { CommentJson, ThreadJson as ThreadJsonSchema } from './schemas.ts'
import { REMOVED_STATUSES } from './visibility.ts'

type ThreadJson = z.infer<typeof ThreadJsonSchema>

export function threadToJson(thread: ThreadRow): ThreadJson {
  return {
    id: thread.id,
    key: thread.key,
    url: thread.url,
    title: thread.title,
    total: thread.comment_count,
    locked: thread.locked_at !== null,
    pinnedId: thread.pinned_comment_id,
    lastSeq: thread.last_seq,
  }
}

/**
 * Who a comment is shown to: any reader, its own author (who still sees their hidden text,
 * and a shadow-banned comment as published), or the site's moderators (everything as it is).
 */
export type CommentView = 'reader' | 'author' | 'moderator'

/**
 * A removed comment keeps its place in the tree but nothing of what it said or who said it,
 * except, for a hidden one, the moderator's reason when they chose to show it.
 */
export function commentToJson(row: CommentRow, repliesCursor: string | null = null, view: CommentView = 'reader'): CommentJson {
  const isTombstone = view === 'reader' && (REMOVED_STATUSES as readonly string[]).includes(row.status)
  return {
    id: row.id,
    parentId: row.parent_id,
    depth: row.depth,
    author: isTombstone ? null : authorToJson(row),
    html: isTombstone ? '' : row.body_html,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    score: row.score,
    reactions: isTombstone ? {} : row.reactions,
    replyCount: row.reply_count,
    status: view === 'author' && row.status === 'shadowed' ? 'published' : row.status,
    ...(row.status === 'hidden' && row.reason_public && row.moderation_reason ? { reason: row.moderation_reason } : {}),
    repliesCursor,
    replies: [],
  }
}

type AuthorFields = Pick<CommentRow, 'site_id' | 'author_user_id' | 'author_fingerprint' | 'author_name' | 'author_role'> & { author_profile?: boolean }

/** Who wrote a comment, as readers may see it. */
export function authorToJson(row: AuthorFields): NonNullable<CommentJson['author']> {
  // Guests always give a name; an empty one is left by an account that was deleted.
  if (row.author_name === '') return { name: '', kind: 'reader', deleted: true }
  const profileId = row.author_profile && row.author_user_id ? { profileId: row.author_user_id } : {}
  return { name: row.author_name, kind: authorKind(row), hue: avatarHue(row), ...profileId }
}

/** A site that turned profiles off links no names, whatever its readers chose. */
export function withoutProfiles(comments: CommentJson[]): CommentJson[] {
  for (const c of comments) {
    if (c.author) delete c.author.profileId
    withoutProfiles(c.replies)
  }
  return comments
}

const utf8 = new TextEncoder()

/**
 * The colour behind an author's initials: the same for one account or one guest on a site, most
 * likely different for two people of one name. A hash, so it tells nothing of who they are. A
 * guest is known only by their network's fingerprint, of which just one hex digit counts: a
 * colour can then tell sixteen networks apart, too few to test whether a name posted from one.
 */
function avatarHue(row: AuthorFields): number {
  const who = row.author_user_id ? `user:${row.author_user_id}` : `guest:${row.author_fingerprint?.slice(0, 1) ?? ''}`
  const digest = sha256(utf8.encode(`${row.site_id}\n${who}\n${row.author_name}`))
  return (((digest[0] ?? 0) << 8) | (digest[1] ?? 0)) % 360
}

/** A badge for staff; otherwise whether an account stands behind the name, which a guest's never does. */
function authorKind(row: AuthorFields): 'guest' | 'reader' | 'moderator' | 'owner' {
  return row.author_role ?? (row.author_user_id === null ? 'guest' : 'reader')
}

/**
 * Nests rows (parents before children, as pages are read) into trees. A row whose parent is
 * not among them (the continuation of a cut branch) starts a tree of its own.
 */
export function nestComments(rows: readonly CommentRow[], branchCursors: ReadonlyMap<string, string>, view: CommentView = 'reader'): CommentJson[] {
  const byId = new Map<string, CommentJson>()
  const trees: CommentJson[] = []
  for (const row of rows) {
    const json = commentToJson(row, branchCursors.get(row.id) ?? null, view)
    byId.set(row.id, json)
    const parent = row.parent_id ? byId.get(row.parent_id) : undefined
    if (parent) parent.replies.push(json)
    else trees.push(json)
  }
  return trees
}
