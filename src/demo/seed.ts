import type { Kysely } from 'kysely'
import type { Actor } from '../access/can.ts'
import { deleteComment } from '../comments/edit-comment.ts'
import { insertComment } from '../comments/insert-comment.ts'
import { castVote } from '../comments/vote.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/schema.ts'
import type { MarkdownRenderer } from '../markdown/render.ts'
import { createSite } from '../sites/sites.ts'
import { DEMO_KEY, DEMO_SITE_ID, DEMO_TITLE } from './article.ts'
import { DEMO_ACCOUNTS, DISCUSSION } from './discussion.ts'

const HOUR = 60 * 60 * 1000
const SEEDER: Actor = { kind: 'user', userId: '00000000-0000-0000-0000-000000000000', isInstanceAdmin: true, roles: new Map() }

/** When the demo article was "published": three days before the demo was made. */
export function demoPublishedAt(createdAt: Date): Date {
  return new Date(createdAt.getTime() - 3 * 24 * HOUR)
}

/**
 * On an empty database (a first `npm start`), makes the demo site, whose page is /demo on this
 * very server, and seeds its discussion. Does nothing once any site exists.
 */
export async function ensureDemo(db: Kysely<Database>, config: Config, markdown: MarkdownRenderer, now: Date): Promise<boolean> {
  const any = await db.selectFrom('sites').select('id').limit(1).executeTakeFirst()
  if (any) return false
  // The site and its comments in one transaction (one commit, not one per row): a start stopped
  // half-way leaves no site, so the next start seeds the demo again rather than finding it half made.
  const { site, ids } = await db.transaction().execute((trx) => seedDiscussion(trx, config, markdown, now))
  // Deletions and votes go through the features' own transactions.
  const clock = { now: () => now }
  for (const c of DISCUSSION.filter((d) => d.removed))
    await deleteComment({ db, clock }, site, ids.get(c.ref) as string, { actor: SEEDER, editToken: undefined })
  const voters = await db
    .insertInto('users')
    .values(Array.from({ length: 8 }, (_, i) => ({ display_name: `Demo reader ${i + 1}` })))
    .returning('id')
    .execute()
  for (const c of DISCUSSION) {
    const id = ids.get(c.ref) as string
    let voter = 0
    for (let i = 0; i < (c.up ?? 0); i++) await castVote({ db }, site, id, voters[voter++]?.id as string, 1, now)
    for (let i = 0; i < (c.down ?? 0); i++) await castVote({ db }, site, id, voters[voter++]?.id as string, -1, now)
  }
  return true
}

async function seedDiscussion(db: Kysely<Database>, config: Config, markdown: MarkdownRenderer, now: Date) {
  const origins = [config.publicUrl, `http://127.0.0.1:${config.port}`, `http://localhost:${config.port}`]
  const site = await createSite(db, { id: DEMO_SITE_ID, name: 'Engawa demo', origins })
  const published = demoPublishedAt(now)
  const url = `${config.publicUrl}/demo`
  const ids = new Map<string, string>()
  const accounts = new Map<string, { id: string; role: 'moderator' | null }>()
  for (const [name, kind] of Object.entries(DEMO_ACCOUNTS)) {
    const user = await db.insertInto('users').values({ display_name: name }).returning('id').executeTakeFirstOrThrow()
    if (kind === 'moderator') await db.insertInto('site_members').values({ site_id: site.id, user_id: user.id, role: 'moderator' }).execute()
    accounts.set(name, { id: user.id, role: kind === 'moderator' ? 'moderator' : null })
  }
  // In the order they were "written", so a thread's order (seq) matches its dates.
  for (const c of [...DISCUSSION].sort((a, b) => a.at - b.at)) {
    const id = crypto.randomUUID()
    ids.set(c.ref, id)
    await insertComment(db, {
      siteId: site.id,
      id,
      page: { key: DEMO_KEY, url, title: DEMO_TITLE },
      parentId: c.parent ? (ids.get(c.parent) ?? null) : null,
      authorUserId: accounts.get(c.name)?.id ?? null,
      authorRole: accounts.get(c.name)?.role ?? null,
      authorName: c.name,
      authorEmail: null,
      editTokenHash: null,
      bodySource: c.body,
      bodyHtml: markdown.render(c.body, { allowsImages: false }),
      status: 'published',
      heldBecause: null,
      authorFingerprint: null,
      now: new Date(published.getTime() + c.at * HOUR),
    })
    if (c.edit)
      await db
        .updateTable('comments')
        .set({
          body_source: c.edit.body,
          body_html: markdown.render(c.edit.body, { allowsImages: false }),
          edited_at: new Date(published.getTime() + (c.at + c.edit.after) * HOUR),
        })
        .where('site_id', '=', site.id)
        .where('id', '=', id)
        .execute()
  }
  return { site, ids }
}
