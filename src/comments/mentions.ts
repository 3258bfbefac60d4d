import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import type { MentionLink } from '../markdown/mentions.ts'

/** A comment tells at most this many readers. */
const MAX_MENTIONS = 10
const WORD = /[\p{L}\p{N}_]/u

export interface Mention extends MentionLink {
  userId: string
}

/** Markdown with its code (fenced, indented by a fence's rules aside, and inline) blanked out: `@name` there mentions nobody. */
function outsideCode(source: string): string {
  return source.replace(/```[\s\S]*?(```|$)|~~~[\s\S]*?(~~~|$)|`[^`\n]*`/g, (code) => ' '.repeat(code.length))
}

/**
 * Who `@name` in a comment means: only the accounts that have published comments in its
 * thread, by the names shown there, longest first. So a mention can never find out whether
 * some other account exists, and guests (who have no account) are never mentioned. A name
 * links to its profile where its reader shows one and the site allows it.
 */
export async function resolveMentions(db: Kysely<Database>, site: SiteRow, thread: { key: string } | { id: string }, source: string, publicUrl: string): Promise<Mention[]> {
  if (!source.includes('@')) return []
  const participants = await db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['c.author_user_id', 'c.author_name', 'c.author_profile'])
    .distinct()
    .where('c.site_id', '=', site.id)
    .$call((q) => ('key' in thread ? q.where('t.key', '=', thread.key) : q.where('t.id', '=', thread.id)))
    .where('c.status', '=', 'published')
    .where('c.author_user_id', 'is not', null)
    .where('c.author_name', '!=', '')
    .execute()
  let text = outsideCode(source)
  const found: Mention[] = []
  for (const p of participants.sort((a, b) => b.author_name.length - a.author_name.length)) {
    if (found.length >= MAX_MENTIONS || !p.author_user_id || found.some((m) => m.userId === p.author_user_id)) continue
    const at = mentionAt(text, p.author_name)
    if (at === -1) continue
    found.push({ userId: p.author_user_id, name: p.author_name, href: p.author_profile && site.public_profiles ? `${publicUrl}/s/${site.id}/u/${p.author_user_id}` : null })
    // A shorter name inside this one ("Hana" in "Hana Sato") is not mentioned by it.
    text = text.split(`@${p.author_name}`).join(' '.repeat(p.author_name.length + 1))
  }
  return found
}

/** Where `@name` stands as a mention (not inside a word, not the start of a longer word), or -1. */
function mentionAt(text: string, name: string): number {
  for (let i = text.indexOf(`@${name}`); i !== -1; i = text.indexOf(`@${name}`, i + 1))
    if ((i === 0 || !WORD.test(text[i - 1] ?? '')) && !WORD.test(text[i + 1 + name.length] ?? '')) return i
  return -1
}
