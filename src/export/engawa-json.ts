import type { CommentRow, SiteRow, ThreadRow } from '../db/schema.ts'
import { settingsOf } from '../sites/settings.ts'
import { readAccountReactions, readBios, type AccountReactionRow, type BioRow } from './read-readers.ts'
import { exportedAuthor, exportedAuthorId, readComments, readModeration, readThreads, type SiteSnapshot } from './read-site.ts'

export const ENGAWA_EXPORT_FORMAT = 'engawa-export'
/** major.minor: a minor version only adds optional fields, so any 1.x reader reads any 1.y file. */
export const ENGAWA_EXPORT_VERSION = '1.2'
export const ENGAWA_EXPORT_SCHEMA_PATH = '/schemas/engawa-export-v1.json'

/** How much an export wrote, for the CLI's summary. */
export interface ExportTally {
  threads: number
  comments: number
}

function threadJson(t: ThreadRow) {
  return {
    id: t.id,
    key: t.key,
    url: t.url,
    title: t.title,
    createdAt: t.created_at.toISOString(),
    lockedAt: t.locked_at?.toISOString() ?? null,
    pinnedCommentId: t.pinned_comment_id,
  }
}

/** A comment with everything the site may see of it: never an account's address, an edit token or a network fingerprint. */
function commentJson(c: CommentRow) {
  return {
    id: c.id,
    threadId: c.thread_id,
    parentId: c.parent_id,
    author: exportedAuthor(c),
    // body_source is Markdown, never HTML; body_html is what Engawa made of it, sanitised.
    body: { markdown: c.body_source, html: c.body_html },
    status: c.status,
    moderationReason: c.moderation_reason,
    reasonPublic: c.reason_public,
    createdAt: c.created_at.toISOString(),
    editedAt: c.edited_at?.toISOString() ?? null,
    deletedAt: c.deleted_at?.toISOString() ?? null,
    score: c.score,
    upvotes: c.upvotes,
    downvotes: c.downvotes,
    reactions: c.reactions,
  }
}

/** An account's reaction, the account named as the comment authors are; guests' reactions are only counted (commentJson). */
function reactionJson(siteId: string, r: AccountReactionRow) {
  return {
    commentId: r.comment_id,
    kind: r.kind,
    author: exportedAuthorId(siteId, r.reactor),
    authorName: r.display_name,
    counted: r.counted,
    createdAt: r.created_at.toISOString(),
  }
}

function bioJson(siteId: string, b: BioRow) {
  return {
    author: exportedAuthorId(siteId, `user:${b.user_id}`),
    authorName: b.display_name,
    bio: b.bio,
    hiddenAt: b.bio_hidden_at?.toISOString() ?? null,
    updatedAt: b.updated_at.toISOString(),
  }
}

/** `"name": [`, the records a line each as their pages are read, then `]`; `tally` hears how many so far. */
async function* jsonArray<T>(name: string, pages: AsyncIterable<T[]>, toJson: (row: T) => unknown, tally: (n: number) => void = () => {}) {
  yield `,\n"${name}": [`
  let count = 0
  for await (const rows of pages) {
    yield rows.map((row) => `${count++ === 0 ? '\n' : ',\n'}${JSON.stringify(toJson(row))}`).join('')
    tally(count)
  }
  yield '\n]'
}

/**
 * The site's whole comment data in Engawa's export format v1 (engawa-export-v1.schema.json),
 * as text chunks written while the rows are read: the header, then every thread, then every
 * comment (thread by thread, each thread's in tree order), then accounts' reactions, bios and
 * moderation. The header comes first and threads before comments, so a streaming reader can
 * check the format before it reads on and knows each comment's thread when it meets it.
 */
export async function* writeEngawaExport(snapshot: SiteSnapshot, site: SiteRow, publicUrl: string, tally: ExportTally): AsyncIterable<string> {
  const { name, ...settings } = settingsOf(site)
  const header = {
    $schema: `${publicUrl}${ENGAWA_EXPORT_SCHEMA_PATH}`,
    format: ENGAWA_EXPORT_FORMAT,
    version: ENGAWA_EXPORT_VERSION,
    exportedAt: snapshot.asOf.toISOString(),
    generator: 'Engawa',
    site: { id: site.id, name, origins: site.allowed_origins, createdAt: site.created_at.toISOString(), settings },
  }
  // One record a line: the file stays greppable and diffable.
  yield JSON.stringify(header).slice(0, -1)
  yield* jsonArray('threads', readThreads(snapshot), threadJson, (n) => (tally.threads = n))
  yield* jsonArray('comments', readComments(snapshot), commentJson, (n) => (tally.comments = n))
  yield* jsonArray('reactions', readAccountReactions(snapshot), (r) => reactionJson(site.id, r))
  yield* jsonArray('bios', readBios(snapshot), (b) => bioJson(site.id, b))
  yield `,\n"moderation": ${JSON.stringify(await readModeration(snapshot))}\n}\n`
}
