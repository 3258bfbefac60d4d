import type { CommentRow } from '../db/schema.ts'

/** An author's key: user:<account id>, or guest:<salted hash of their network>. */
export const AUTHOR_KEY = /^(user:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|guest:[0-9a-f]{64})$/

/** user:<id> for an account, guest:<salted hash of their network> for a guest. */
export function authorKeyOf(row: Pick<CommentRow, 'author_user_id' | 'author_fingerprint'>): string | undefined {
  if (row.author_user_id) return `user:${row.author_user_id}`
  if (row.author_fingerprint) return `guest:${row.author_fingerprint}`
  return undefined
}

export function authorFilter(author: string) {
  const [kind, id = ''] = author.split(':')
  return kind === 'user' ? { column: 'author_user_id' as const, id } : { column: 'author_fingerprint' as const, id }
}
