import { CompiledQuery, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest } from '../helpers/comments.ts'
import { SITE_ORIGIN, startApp, type TestApp } from '../helpers/harness.ts'

interface Listed {
  id: string
  html?: string
  link?: string
  author?: { name: string }
  thread?: { title: string; url: string; locked: boolean }
  title?: string
  comments?: number
  locked?: boolean
  total?: number
}

const page = (n: number) => `${SITE_ORIGIN}/posts/${n}`

function postOn(t: TestApp, n: number, body: string, extra: Record<string, unknown> = {}) {
  return postGuest(t, body, { thread: { url: page(n), title: `Article ${n}` }, ...extra })
}

async function community(t: TestApp, query: Record<string, string | number | undefined> = {}, headers: Record<string, string> = {}) {
  const params = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))
  return t.get(`/api/v1/sites/${t.site.id}/community?${params}`, { headers })
}

async function json(t: TestApp, query: Record<string, string | number> = {}) {
  const res = await community(t, query)
  const body = await res.json()
  expect(res.status, JSON.stringify(body)).toBe(200)
  return body
}

/** Every page of a tab, following nextCursor; `between` runs after each page. */
async function readAll(t: TestApp, query: Record<string, string | number>, between: () => Promise<unknown> = async () => {}) {
  const seen: Listed[] = []
  let cursor: string | null = null
  for (let i = 0; i < 30; i++) {
    const body = await json(t, { ...query, ...(cursor ? { cursor } : {}) })
    seen.push(...(body.comments ?? body.threads))
    cursor = body.nextCursor
    if (!cursor) break
    await between()
  }
  return seen
}

/** `threads` threads of `perThread` top-level comments each, spread over the last 120 days, one in ten hidden; analysed as a live database would be. */
async function seedSite(t: TestApp, threads: number, perThread: number) {
  const now = t.clock.now()
  await sql`insert into threads (site_id, key, url, title, comment_count, last_seq, version, created_at, updated_at)
    select ${t.site.id}, ${page(0)} || '-' || i, ${page(0)} || '-' || i, 'Article ' || i, ${perThread}, ${perThread}, 1,
      ${now}::timestamptz - (i || ' hours')::interval, ${now}
    from generate_series(1, ${threads}) i`.execute(t.db)
  await sql`insert into comments (site_id, id, thread_id, root_id, seq, path, depth, author_name, body_source, body_html, status, created_at)
    select t.site_id, md5(t.id::text || s)::uuid, t.id, md5(t.id::text || s)::uuid, s, array[s], 0, 'Aki', 'x', '<p>x</p>', case when s % 10 = 0 then 'hidden' else 'published' end,
      ${now}::timestamptz - ((random() * 120 * 86400)::int || ' seconds')::interval
    from threads t cross join generate_series(1, ${perThread}) s
    where t.site_id = ${t.site.id}`.execute(t.db)
  await sql`analyze threads`.execute(t.db)
  await sql`analyze comments`.execute(t.db)
}

const hide = (t: TestApp, cookie: string, id: string) =>
  fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action: 'hide', reason: 'Rude' }, cookie)

forEachBackend((database) => {
  describe('the community view of a site', () => {
    it('lists the newest comments across threads with their thread and permalink, every one once while more arrive', async () => {
      const t = await startApp(database())
      const ids: string[] = []
      for (let i = 0; i < 7; i++) {
        ids.push((await postOn(t, i % 3, `comment ${i}`)).id)
        t.clock.advance(1000)
      }
      const first = await json(t, { limit: 3 })
      expect(first.tab).toBe('latest')
      expect(first.site).toEqual({ id: t.site.id, name: 'Test blog' })
      expect(first.comments[0]).toMatchObject({
        id: ids[6],
        html: '<p>comment 6</p>',
        author: { name: 'Aki', kind: 'guest' },
        link: `${page(0)}#engawa-comment-${ids[6]}`,
        thread: { title: 'Article 0', url: page(0), total: 3, locked: false },
      })
      let added = 0
      const all = await readAll(t, { limit: 3 }, async () => {
        await postOn(t, 5, `during ${added++}`)
        t.clock.advance(1000)
      })
      expect(all.map((c) => c.id)).toEqual([...ids].reverse())
    })

    it('never shows pending, hidden, shadow-banned, deleted or spam comments, and says when a thread is locked', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const troll = await readerOf(t, 'Troll')
      const shown = await postOn(t, 1, 'Shown')
      const hidden = await postOn(t, 1, 'Hidden later')
      expect((await hide(t, mod.cookie, hidden.id)).status).toBe(200)
      const deleted = await postOn(t, 2, 'Deleted by its author')
      expect((await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${deleted.id}`, undefined, { headers: { 'x-edit-token': deleted.editToken } })).status).toBe(200)
      const trolled = await (await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: page(3), title: 'Article 3' }, body: 'Bait' }, { headers: bearer(troll.token) })).json()
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: trolled.comment.id, action: 'shadow-ban' }, mod.cookie)).status).toBe(200)
      await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: page(3), title: 'Article 3' }, body: 'More bait' }, { headers: bearer(troll.token) })
      await t.db.updateTable('sites').set({ premoderation: 'all' }).where('id', '=', t.site.id).execute()
      expect((await postOn(t, 4, 'Waiting for a moderator')).status).toBe('pending')
      await t.db.updateTable('comments').set({ status: 'spam' }).where('site_id', '=', t.site.id).where('id', '=', hidden.id).execute()
      const lock = await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/threads/lock`, { url: page(1), locked: true }, mod.cookie)
      expect(lock.status).toBe(200)

      const latest = await readAll(t, { tab: 'latest' })
      expect(latest.map((c) => c.id)).toEqual([shown.id])
      expect(latest[0]?.thread?.locked).toBe(true)
      const threads = await readAll(t, { tab: 'threads' })
      expect(threads.map((th) => [th.title, th.total, th.locked])).toEqual([['Article 1', 1, true]])
      const active = await readAll(t, { tab: 'active', period: 'day' })
      expect(active.map((th) => [th.title, th.comments])).toEqual([['Article 1', 1]])
    })

    it('ranks the threads most commented in the last day, week and month, paging without repeats', async () => {
      const t = await startApp(database())
      const day = 86_400_000
      // Article 1: 3 comments 20 days ago; article 2: 2 comments 3 days ago; article 3: 1 comment now; article 4: 1 long ago.
      await postOn(t, 4, 'old')
      t.clock.advance(60 * day)
      for (let i = 0; i < 3; i++) await postOn(t, 1, `a1 ${i}`)
      t.clock.advance(17 * day)
      for (let i = 0; i < 2; i++) await postOn(t, 2, `a2 ${i}`)
      t.clock.advance(3 * day - 60_000)
      await postOn(t, 3, 'a3')
      t.clock.advance(60_000)
      const ranked = async (period: string) => (await readAll(t, { tab: 'active', period, limit: 1 })).map((th) => `${th.title}:${th.comments}`)
      expect(await ranked('day')).toEqual(['Article 3:1'])
      expect(await ranked('week')).toEqual(['Article 2:2', 'Article 3:1'])
      expect(await ranked('month')).toEqual(['Article 1:3', 'Article 2:2', 'Article 3:1'])
      const active = await json(t, { tab: 'active', period: 'week' })
      expect(active.period).toBe('week')
      expect(active.threads[1]).toMatchObject({ title: 'Article 3', total: 1, lastCommentAt: new Date(t.clock.now().getTime() - 60_000).toISOString() })
      // The whole list: every thread with comments, newest first.
      expect((await readAll(t, { tab: 'threads', limit: 2 })).map((th) => th.title)).toEqual(['Article 3', 'Article 2', 'Article 1', 'Article 4'])
    })

    it.each([
      { case: 'an unknown tab', query: { tab: 'people' }, status: 400, code: 'invalid_request' },
      { case: 'a limit of 0', query: { limit: 0 }, status: 400, code: 'invalid_request' },
      { case: 'a limit of 51', query: { limit: 51 }, status: 400, code: 'invalid_request' },
      { case: 'a forged cursor', query: { cursor: 'eyJ0IjoibGF0ZXN0In0' }, status: 400, code: 'invalid_cursor' },
      { case: 'a cursor of another tab', query: { tab: 'threads', cursor: 'LATEST' }, status: 400, code: 'invalid_cursor' },
      { case: 'a cursor of another period', query: { tab: 'active', period: 'day', cursor: 'WEEK' }, status: 400, code: 'invalid_cursor' },
    ])('refuses $case', async ({ query, status, code }) => {
      const t = await startApp(database())
      for (let i = 0; i < 3; i++) await postOn(t, i, `c${i}`)
      const cursors = {
        LATEST: (await json(t, { limit: 1 })).nextCursor,
        WEEK: (await json(t, { tab: 'active', period: 'week', limit: 1 })).nextCursor,
      }
      const asked = { ...query, ...(query.cursor && query.cursor in cursors ? { cursor: cursors[query.cursor as keyof typeof cursors] } : {}) }
      const res = await community(t, asked)
      expect(res.status).toBe(status)
      expect((await res.json()).error.code).toBe(code)
    })

    it('answers 404 for an unknown site, and CORS for the site\u2019s own pages', async () => {
      const t = await startApp(database())
      expect((await t.get('/api/v1/sites/nosuchsite/community')).status).toBe(404)
      const res = await community(t)
      expect(res.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN)
    })

    it('revalidates with its ETag, and a new comment changes it at once', async () => {
      const t = await startApp(database(), { config: { pageCacheMs: 1000 } })
      await postOn(t, 1, 'first')
      const res = await community(t)
      const etag = res.headers.get('etag')
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
      expect(res.headers.get('cache-control')).toContain('public')
      expect((await community(t, {}, { 'if-none-match': etag ?? '' })).status).toBe(304)
      await postOn(t, 2, 'second')
      const after = await community(t, {}, { 'if-none-match': etag ?? '' })
      expect(after.status).toBe(200)
      expect((await after.json()).comments).toHaveLength(2)
    })

    it.each([
      // The newest comments come in the index's order, so a page reads only its own rows.
      { tab: 'latest', index: '"Index Name":"comments_site_published_idx"' },
      // The window's comments are an index range by time (either index by site and time), never the site's every comment.
      { tab: 'active', index: '>= \'2026-' },
      { tab: 'threads', index: '"Index Name":"threads_site_created_idx"' },
    ])('reads a $tab page in one query through its index, never a table scan, on a site of 6,000 comments', async ({ tab, index }) => {
      const db = database()
      const t = await startApp(db)
      await seedSite(t, 150, 40)
      const cursor = (await json(t, { tab, limit: 2 })).nextCursor
      db.statements.length = 0
      await json(t, { tab, limit: 2, cursor })
      const queries = db.statements.filter((q) => !/from "sites"/.test(q.sql))
      expect(queries).toHaveLength(1)
      const query = queries[0]
      if (!query) throw new Error('no query')
      await db.db.transaction().execute(async (trx) => {
        await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'))
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]))
        const raw = rows[0]?.['QUERY PLAN']
        const plan = JSON.stringify(typeof raw === 'string' ? JSON.parse(raw) : raw)
        expect(plan, query.sql).not.toContain('"Seq Scan"')
        const comments = plan.match(/"Index Cond":"[^"]*"/g)?.join('\n') ?? ''
        expect(index.startsWith('"Index') ? plan : comments, query.sql).toContain(index)
      })
    })

    it('makes nothing of a guest comment body a query can see (the widget posts as usual)', async () => {
      const t = await startApp(database())
      expect((await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hello'))).status).toBe(201)
      expect((await json(t)).comments).toHaveLength(1)
    })
  })
})
