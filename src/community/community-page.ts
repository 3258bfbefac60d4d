import type { Kysely } from 'kysely'
import { invalidCursor } from '../comments/cursor.ts'
import { authorToJson } from '../comments/to-json.ts'
import type { Database, SiteRow } from '../db/schema.ts'
import { decodeCommunityCursor, encodeCommunityCursor, type ActivityPeriod, type CommunityTab } from './community-cursor.ts'
import { readActiveThreads, readLatestComments, readThreadList, windowStart, type LatestCommentRow } from './read-community.ts'
import type { CommunityPage } from './schemas.ts'

export interface CommunityAsk {
  tab: CommunityTab
  period: ActivityPeriod
  cursor?: string
  limit: number
}

type ThreadFields = Pick<LatestCommentRow, 'thread_id' | 'thread_key' | 'thread_url' | 'thread_title' | 'thread_locked_at' | 'thread_total'>

function threadJson(row: ThreadFields) {
  return { id: row.thread_id, key: row.thread_key, url: row.thread_url, title: row.thread_title, total: row.thread_total, locked: row.thread_locked_at !== null }
}

/** The rows of a page and whether there is another: each read asks for one row more than it shows. */
function cut<T>(rows: T[], limit: number): { shown: T[]; last: T | undefined } {
  const shown = rows.slice(0, limit)
  return { shown, last: rows.length > limit ? shown.at(-1) : undefined }
}

/** One page of a site's community view: one query, whichever the tab. */
export async function readCommunityPage(db: Kysely<Database>, site: SiteRow, ask: CommunityAsk, now: Date): Promise<CommunityPage> {
  const head = { site: { id: site.id, name: site.name } }
  if (ask.tab === 'latest') return { ...head, tab: 'latest', ...(await readCommentsPage(db, site, ask)) }
  if (ask.tab === 'active') {
    const after = ask.cursor === undefined ? undefined : decodeCommunityCursor(ask.cursor, 'active')
    if (after && after.period !== ask.period) throw invalidCursor()
    const since = after ? new Date(after.since) : windowStart(ask.period, now)
    const { shown, last } = cut(await readActiveThreads(db, site.id, since, ask.limit, after), ask.limit)
    return {
      ...head,
      tab: 'active',
      period: ask.period,
      threads: shown.map((row) => ({ ...threadJson(row), comments: row.n, lastCommentAt: new Date(row.last_at).toISOString() })),
      nextCursor: last
        ? encodeCommunityCursor({ t: 'active', period: ask.period, since: since.toISOString(), n: last.n, at: new Date(last.last_at).toISOString(), id: last.thread_id })
        : null,
    }
  }
  const after = ask.cursor === undefined ? undefined : decodeCommunityCursor(ask.cursor, 'threads')
  const { shown, last } = cut(await readThreadList(db, site.id, ask.limit, after), ask.limit)
  return {
    ...head,
    tab: 'threads',
    threads: shown.map((row) => ({ ...threadJson(row), startedAt: row.created_at.toISOString() })),
    nextCursor: last ? encodeCommunityCursor({ t: 'threads', at: last.created_at.toISOString(), id: last.thread_id }) : null,
  }
}

/** A page of published comments, newest first: the whole site's, or one reader's (`authorUserId`). */
export async function readCommentsPage(db: Kysely<Database>, site: SiteRow, ask: { cursor?: string | undefined; limit: number }, authorUserId?: string) {
  const after = ask.cursor === undefined ? undefined : decodeCommunityCursor(ask.cursor, 'latest')
  const { shown, last } = cut(await readLatestComments(db, site.id, ask.limit, after, authorUserId), ask.limit)
  return {
    comments: shown.map((row) => ({
      id: row.id,
      parentId: row.parent_id,
      author: authorToJson({ ...row, author_profile: row.author_profile && site.public_profiles }),
      html: row.body_html,
      createdAt: row.created_at.toISOString(),
      editedAt: row.edited_at?.toISOString() ?? null,
      score: row.score,
      replyCount: row.reply_count,
      link: `${row.thread_url}#engawa-comment-${row.id}`,
      thread: threadJson(row),
    })),
    nextCursor: last ? encodeCommunityCursor({ t: 'latest', at: last.created_at.toISOString(), id: last.id }) : null,
  }
}
