import type { Kysely } from 'kysely'
import type { CommentRow, Database } from '../db/schema.ts'
import { hashEditToken } from './edit-token.ts'

/** Statuses the public page leaves out but a comment's author still sees (their own, marked). */
const PRIVATE_STATUSES = ['pending', 'hidden', 'shadowed'] as const

/**
 * The reader's own comments on a page that the public page does not show: an overlay the
 * widget lays over the cacheable public page. Guests prove authorship with their edit tokens,
 * signed-in readers with their session. A moderator gets everyone's pending and hidden ones.
 */
export async function readMine(
  db: Kysely<Database>,
  siteId: string,
  key: string,
  editTokens: readonly string[],
  userId: string | undefined,
  moderates = false,
): Promise<CommentRow[]> {
  if (editTokens.length === 0 && !userId) return []
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .selectAll('c')
    .where('c.site_id', '=', siteId)
    .where('t.key', '=', key)
    .where((eb) =>
      eb.or([
        ...(editTokens.length > 0 ? [eb('c.edit_token_hash', 'in', editTokens.map(hashEditToken))] : []),
        ...(userId ? [eb('c.author_user_id', '=', userId)] : []),
        ...(moderates ? [eb('c.status', 'in', ['pending', 'hidden'])] : []),
      ]),
    )
    .where('c.status', 'in', PRIVATE_STATUSES)
    .orderBy('c.seq')
    .execute()
}

/**
 * The reader's own comments on a page (by session or edit token), with their Markdown, so the
 * widget can offer edit and delete on them and start an edit from what they wrote.
 */
export async function readOwnComments(
  db: Kysely<Database>,
  siteId: string,
  key: string,
  editTokens: readonly string[],
  userId: string | undefined,
): Promise<Array<Pick<CommentRow, 'id' | 'body_source' | 'created_at' | 'author_user_id' | 'status'>>> {
  if (editTokens.length === 0 && !userId) return []
  return db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['c.id', 'c.body_source', 'c.created_at', 'c.author_user_id', 'c.status'])
    .where('c.site_id', '=', siteId)
    .where('t.key', '=', key)
    .where('c.status', '!=', 'deleted')
    .where((eb) =>
      eb.or([
        ...(editTokens.length > 0 ? [eb('c.edit_token_hash', 'in', editTokens.map(hashEditToken))] : []),
        ...(userId ? [eb('c.author_user_id', '=', userId)] : []),
      ]),
    )
    .execute()
}
