import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { CommentRow, CommentStatus, Database } from '../db/schema.ts'
import { AUTHOR_KEY, authorFilter } from '../authors/author-key.ts'

type WithComment = Database & { c: Database['comments'] }

function openReports(eb: ExpressionBuilder<WithComment, 'c'>) {
  return eb
    .selectFrom('reports as r')
    .whereRef('r.site_id', '=', 'c.site_id')
    .whereRef('r.comment_id', '=', 'c.id')
    .where('r.resolved_at', 'is', null)
}

/** A comment as moderators look at it: with its page, its parent, and why it is in front of them. */
export interface ModeratedRow extends CommentRow {
  site_name: string
  page_url: string
  page_title: string
  parent_author: string | null
  parent_html: string | null
  parent_status: CommentStatus | null
  reports: number
  reasons: string[]
  report_texts: string[]
}

function moderatedComments(db: Kysely<Database>) {
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .innerJoin('sites as s', 's.id', 'c.site_id')
    .leftJoin('comments as p', (j) => j.onRef('p.site_id', '=', 'c.site_id').onRef('p.id', '=', 'c.parent_id'))
    .selectAll('c')
    .select(['s.name as site_name', 't.url as page_url', 't.title as page_title', 'p.author_name as parent_author', 'p.body_html as parent_html', 'p.status as parent_status'])
    .select((eb) => [
      openReports(eb).select(sql<number>`count(*)::int`.as('n')).as('reports'),
      openReports(eb).select(sql<string[]>`coalesce(array_agg(distinct r.reason), '{}')`.as('x')).as('reasons'),
      openReports(eb).select(sql<string[]>`coalesce(array_agg(r.text) filter (where r.text is not null), '{}')`.as('x')).as('report_texts'),
    ])
}

export type QueueSort = 'newest' | 'reports'

/** Comments waiting for approval or reported by readers on the given sites. */
export async function readQueue(db: Kysely<Database>, siteIds: readonly string[], sort: QueueSort, limit = 200): Promise<ModeratedRow[]> {
  if (siteIds.length === 0) return []
  const rows = await moderatedComments(db)
    .where('c.site_id', 'in', siteIds)
    .where((eb) => eb.or([eb('c.status', '=', 'pending'), eb.exists(openReports(eb).select('r.reporter'))]))
    .$call((q) => (sort === 'reports' ? q.orderBy('reports', 'desc').orderBy('c.created_at', 'desc') : q.orderBy('c.created_at', 'desc')))
    .orderBy('c.id')
    .limit(limit)
    .execute()
  return rows as ModeratedRow[]
}

export interface CommentSearch {
  text?: string
  /** user:<id> or guest:<hash>, or part of a display name */
  author?: string
  /** Part of the page's URL or title. */
  page?: string
  status?: CommentStatus
}

function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
}

/** A site's comments matching every given filter, newest first (all statuses). */
export async function searchComments(db: Kysely<Database>, siteId: string, search: CommentSearch, limit = 100): Promise<ModeratedRow[]> {
  let query = moderatedComments(db).where('c.site_id', '=', siteId)
  if (search.text) query = query.where('c.body_source', 'ilike', likePattern(search.text))
  if (search.author) {
    const author = search.author
    if (AUTHOR_KEY.test(author)) {
      const { column, id } = authorFilter(author)
      query = column === 'author_user_id' ? query.where('c.author_user_id', '=', id) : query.where('c.author_fingerprint', '=', id)
    } else query = query.where('c.author_name', 'ilike', likePattern(author))
  }
  if (search.page) query = query.where((eb) => eb.or([eb('t.url', 'ilike', likePattern(search.page!)), eb('t.title', 'ilike', likePattern(search.page!))]))
  if (search.status) query = query.where('c.status', '=', search.status)
  return (await query.orderBy('c.created_at', 'desc').orderBy('c.id').limit(limit).execute()) as ModeratedRow[]
}
