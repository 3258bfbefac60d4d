import { describe, expect, it } from 'vitest'
import { fromEngawa } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'
import { startImportApp } from '../import/helpers.ts'
import { HELD_WORD, LOCKED_URL, seedSite } from './seed.ts'

interface PageComment {
  id: string
  parentId: string | null
  author: { name: string; kind: string; hue?: number } | null
  replies: PageComment[]
  [field: string]: unknown
}

/** A thread page as readers get it, with the ids (new on the other site) left out and the tree kept. */
async function readPage(t: TestApp, url: string) {
  // The locked thread is keyed: its page is asked for by key, as its embed does.
  const page = url === LOCKED_URL ? 'key=closed-note' : `url=${encodeURIComponent(url)}`
  const res = await t.get(`/api/v1/sites/${t.site.id}/thread?${page}&limit=20&replies=20`)
  expect(res.status).toBe(200)
  const json = await res.json()
  // Imported authors are guests whatever they were (README: links to accounts are not carried over), so their kind is left
  // out too; and their colour, which is each site's own. Reactions are not carried over either (see reactionsOf).
  const strip = (c: PageComment): unknown => {
    const { id: _id, parentId: _parentId, replies, author, reactions: _reactions, ...rest } = c
    const { kind: _kind, hue: _hue, ...name } = author ?? {}
    return { ...rest, author: author && name, replies: replies.map(strip) }
  }
  const { id: _id, pinnedId, ...thread } = json.thread
  return { thread, pinned: pinnedId !== null, comments: json.comments.map(strip) }
}

/** Every comment of a thread as stored, in tree order, without ids: what moderators and authors see too. */
async function storedComments(t: TestApp, url: string) {
  const rows = await t.db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .select(['c.depth', 'c.author_name', 'c.author_email', 'c.body_source', 'c.body_html', 'c.status', 'c.moderation_reason', 'c.reason_public', 'c.created_at', 'c.edited_at', 'c.reply_count'])
    .where('c.site_id', '=', t.site.id)
    .where('t.url', '=', url)
    .orderBy('c.path')
    .execute()
  return rows
}

/** Each comment's counts beside its counted reaction rows by kind, and the site's bios: what readers left besides comments. */
async function reactionsOf(t: TestApp) {
  const [comments, rows, bios] = await Promise.all([
    t.db.selectFrom('comments').select(['id', 'reactions']).where('site_id', '=', t.site.id).execute(),
    t.db.selectFrom('reactions').select(['comment_id', 'kind', 'counted']).where('site_id', '=', t.site.id).execute(),
    t.db.selectFrom('reader_profiles').select('user_id').where('site_id', '=', t.site.id).execute(),
  ])
  const fromRows = (id: string) => {
    const counts: Record<string, number> = {}
    for (const r of rows) if (r.comment_id === id && r.counted) counts[r.kind] = (counts[r.kind] ?? 0) + 1
    return counts
  }
  return { counts: comments.map((c) => ({ counts: c.reactions, rows: fromRows(c.id) })), rows: rows.length, bios: bios.length }
}

forEachBackend((database) => {
  describe('export, then import into a fresh site', () => {
    it('gives identical threads: keys, URLs, titles, trees, bodies, statuses, dates and author names', async () => {
      const source = await startApp(database(), { site: { blockedWords: [HELD_WORD] } })
      const { owner } = await seedSite(source)
      const exported = await fromEngawa(source, 'GET', `/api/v1/admin/sites/${source.site.id}/export`, undefined, owner.cookie)
      expect(exported.status).toBe(200)
      const file = new TextEncoder().encode(await exported.text())

      const target = await startImportApp(database())
      const upload = await target.upload(file, 'format=engawa&name=export.json')
      const started = await upload.json()
      expect(upload.status, JSON.stringify(started)).toBe(202)
      await target.uploads.idle()
      const run = await (await fromEngawa(target, 'GET', `/api/v1/admin/sites/${target.site.id}/imports/${started.import.id}`, undefined, target.cookie)).json()
      expect(run.import).toMatchObject({ status: 'done', error: null })

      // The pinned comment is pinned again, and a hidden comment's reason shows as it did.
      expect((await readPage(target, ARTICLE_URL)).pinned).toBe(true)
      expect(JSON.stringify((await readPage(source, ARTICLE_URL)).comments)).toContain('"reason"')
      const lockedAt = (t: TestApp) => t.db.selectFrom('threads').select('locked_at').where('site_id', '=', t.site.id).where('locked_at', 'is not', null).execute()
      expect(await lockedAt(target)).toEqual(await lockedAt(source))

      // Everything is the same, to the millisecond: on the page readers get and in what moderators see.
      for (const url of [ARTICLE_URL, LOCKED_URL]) {
        expect(await storedComments(target, url), url).toEqual(await storedComments(source, url))
        expect(await readPage(target, url), url).toEqual(await readPage(source, url))
      }
      // Who reacted and bios are in the file but not restored (the file names no account the importing side could match,
      // and an uploaded file must not speak for accounts): no reactions, so no counts, and no bios.
      const before = await reactionsOf(source)
      expect([before.rows, before.bios]).toEqual([6, 3])
      for (const c of before.counts) expect(c.counts).toEqual(c.rows)
      const after = await reactionsOf(target)
      expect(after.counts.length).toBe(before.counts.length)
      expect(after.counts.filter((c) => Object.keys(c.counts).length > 0 || Object.keys(c.rows).length > 0)).toEqual([])
      expect([after.rows, after.bios]).toEqual([0, 0])

      // Importing the same export again adds nothing.
      const again = await target.upload(file, 'format=engawa&name=export.json')
      expect(again.status).toBe(202)
      await target.uploads.idle()
      expect((await target.countItems()).comments).toBe(await source.count('comments'))
    })
  })
})
