import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { MAX_DEPTH } from '../../src/comments/insert-comment.ts'
import { guestComment, postGuest, readThread } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

interface CommentNode {
  id: string
  depth: number
  score: number
  replies: CommentNode[]
  repliesCursor: string | null
}

async function postMany(t: TestApp, n: number, prefix = 'c'): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) ids.push((await postGuest(t, `${prefix} ${i}`)).id)
  return ids
}

async function readAll(t: TestApp, sort: string, limit: number): Promise<string[][]> {
  const pages: string[][] = []
  let cursor: string | null = null
  do {
    const page = await readThread(t, { sort, limit, ...(cursor ? { cursor } : {}) })
    pages.push(page.comments.map((c: CommentNode) => c.id))
    cursor = page.nextCursor
  } while (cursor && pages.length < 50)
  return pages
}

async function setScore(t: TestApp, id: string, score: number) {
  await t.db.updateTable('comments').set({ score }).where('site_id', '=', t.site.id).where('id', '=', id).execute()
}

forEachBackend((database) => {
  describe('reading a thread', () => {
    it.each([
      { sort: 'oldest', order: (ids: string[]) => ids },
      { sort: 'newest', order: (ids: string[]) => [...ids].reverse() },
    ])('pages $sort first with a cursor, every comment once', async ({ sort, order }) => {
      const t = await startApp(database())
      const ids = await postMany(t, 7)
      const pages = await readAll(t, sort, 3)
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1])
      expect(pages.flat()).toEqual(order(ids))
    })

    it('pages top first by score, then newest among equals', async () => {
      const t = await startApp(database())
      const ids = await postMany(t, 5)
      const [a, b, c, d, e] = ids as [string, string, string, string, string]
      await setScore(t, c, 5)
      await setScore(t, a, 2)
      await setScore(t, e, -1)
      const pages = await readAll(t, 'top', 2)
      expect(pages.flat()).toEqual([c, a, d, b, e])
    })

    it.each(['oldest', 'newest', 'top'])('neither skips nor repeats while comments are added (%s)', async (sort) => {
      const t = await startApp(database())
      const before = await postMany(t, 6, 'before')
      const seen: string[] = []
      let cursor: string | null = null
      let added: string[] = []
      for (let round = 0; round < 10; round++) {
        const page = await readThread(t, { sort, limit: 2, ...(cursor ? { cursor } : {}) })
        seen.push(...page.comments.map((c: CommentNode) => c.id))
        cursor = page.nextCursor
        added = [...added, ...(await postMany(t, 2, `during ${round}`))]
        if (!cursor) break
      }
      expect(new Set(seen).size).toBe(seen.length)
      for (const id of before) expect(seen).toContain(id)
      if (sort === 'oldest') expect(seen).toEqual([...before, ...added.slice(0, seen.length - before.length)])
    })

    it('returns the visible total and an empty page past the end', async () => {
      const t = await startApp(database())
      await postMany(t, 2)
      const page = await readThread(t, { limit: 2 })
      expect(page.thread.total).toBe(2)
      expect(page.nextCursor).toBeNull()
    })

    it('refuses a cursor made for another sort', async () => {
      const t = await startApp(database())
      await postMany(t, 3)
      const first = await readThread(t, { sort: 'oldest', limit: 1 })
      const res = await t.get(
        `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent('https://blog.example/posts/japan-ai-copyright')}&sort=newest&cursor=${first.nextCursor}`,
      )
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('invalid_cursor')
    })
  })

  describe('the reply tree', () => {
    it('nests replies depth-first under their parents', async () => {
      const t = await startApp(database())
      const a = await postGuest(t, 'a')
      const a1 = await postGuest(t, 'a1', { parentId: a.id })
      const b = await postGuest(t, 'b')
      const a2 = await postGuest(t, 'a2', { parentId: a.id })
      const a1x = await postGuest(t, 'a1x', { parentId: a1.id })
      const a1xy = await postGuest(t, 'a1xy', { parentId: a1x.id })
      const page = await readThread(t)
      const shape = (nodes: CommentNode[]): unknown => nodes.map((n) => [n.id, n.depth, shape(n.replies)])
      expect(shape(page.comments)).toEqual([
        [a.id, 0, [[a1.id, 1, [[a1x.id, 2, [[a1xy.id, 3, []]]]]], [a2.id, 1, []]]],
        [b.id, 0, []],
      ])
      expect(page.thread.total).toBe(6)
    })

    it('cuts a long branch and continues it from repliesCursor, depth-first, without gaps', async () => {
      const t = await startApp(database())
      const root = await postGuest(t, 'root')
      const replies: string[] = []
      for (let i = 0; i < 7; i++) replies.push((await postGuest(t, `r${i}`, { parentId: root.id })).id)
      const page = await readThread(t, { replies: 3 })
      const top = page.comments[0] as CommentNode
      expect(top.replies.map((r) => r.id)).toEqual(replies.slice(0, 3))
      expect(top.repliesCursor).toEqual(expect.any(String))
      const seen = [...top.replies.map((r) => r.id)]
      let cursor: string | null = top.repliesCursor
      while (cursor) {
        const more = await readThread(t, { cursor, limit: 3 })
        seen.push(...more.comments.map((c: CommentNode) => c.id))
        cursor = more.nextCursor
      }
      expect(seen).toEqual(replies)
    })

    it('gives a comment whose replies a page leaves out (replies=0) the cursor that reaches them', async () => {
      const t = await startApp(database())
      const root = await postGuest(t, 'root')
      const alone = await postGuest(t, 'no replies')
      const reply = await postGuest(t, 'r0', { parentId: root.id })
      const deeper = await postGuest(t, 'r0.0', { parentId: reply.id })
      const page = await readThread(t, { replies: 0 })
      const [top, other] = page.comments as CommentNode[]
      expect(top?.replies).toEqual([])
      expect(other?.id).toBe(alone.id)
      expect(other?.repliesCursor).toBeNull()
      const rest = await readThread(t, { cursor: top?.repliesCursor ?? 'none' })
      const [first] = rest.comments as CommentNode[]
      expect([first?.id, first?.replies.map((r) => r.id)]).toEqual([reply.id, [deeper.id]])
    })

    it('keeps a deleted comment with replies as a tombstone without text or author', async () => {
      const t = await startApp(database())
      const parent = await postGuest(t, 'secret words')
      const reply = await postGuest(t, 'reply', { parentId: parent.id })
      const res = await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${parent.id}`, undefined, {
        headers: { 'x-edit-token': parent.editToken },
      })
      expect(res.status).toBe(200)
      const page = await readThread(t)
      expect(page.comments[0]).toMatchObject({ id: parent.id, status: 'deleted', author: null, html: '', replyCount: 1 })
      expect(page.comments[0].replies[0].id).toBe(reply.id)
      expect(page.thread.total).toBe(1)
      const stored = await t.db.selectFrom('comments').selectAll().where('site_id', '=', t.site.id).where('id', '=', parent.id).executeTakeFirstOrThrow()
      expect([stored.body_source, stored.body_html, stored.author_name]).toEqual(['', '', ''])
    })

    it('drops a deleted comment without replies, and tombstones left with nothing under them', async () => {
      const t = await startApp(database())
      const a = await postGuest(t, 'a')
      const b = await postGuest(t, 'b', { parentId: a.id })
      const c = await postGuest(t, 'c', { parentId: b.id })
      const del = (x: { id: string; editToken: string }) =>
        t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${x.id}`, undefined, { headers: { 'x-edit-token': x.editToken } })
      await del(a)
      await del(b)
      let page = await readThread(t)
      expect(page.comments[0].replies[0].replies[0].id).toBe(c.id)
      await del(c)
      page = await readThread(t)
      expect(page.comments).toEqual([])
      expect(page.thread.total).toBe(0)
    })
  })

  describe('nesting depth', () => {
    it(`refuses a reply below depth ${MAX_DEPTH} with 422 reply_too_deep, writing nothing`, async () => {
      const t = await startApp(database())
      let parent = (await postGuest(t, 'root')).id
      for (let depth = 1; depth <= MAX_DEPTH; depth++) parent = (await postGuest(t, `depth ${depth}`, { parentId: parent })).id
      const before = await t.count('comments')
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('too deep', { parentId: parent }))
      expect(res.status).toBe(422)
      expect((await res.json()).error.code).toBe('reply_too_deep')
      expect(await t.count('comments')).toBe(before)
    })
  })

  describe('query count', () => {
    it.each([10, 200])('reads a page in two queries whatever the size (%i comments)', async (n) => {
      const db = database()
      const t = await startApp(db)
      let parent: string | undefined
      for (let i = 0; i < n; i++) {
        const posted = await postGuest(t, `c${i}`, i % 3 === 0 || !parent ? {} : { parentId: parent })
        if (i % 3 === 0) parent = posted.id
      }
      db.queries.length = 0
      const page = await readThread(t, { limit: 20 })
      expect(page.comments.length).toBeGreaterThan(0)
      expect(db.queries.filter((q) => !/from "sites"/.test(q))).toHaveLength(2)
    })
  })

  describe('permalinks', () => {
    it('serves the page that holds a deep reply in one request', async () => {
      const t = await startApp(database())
      const roots = await postMany(t, 30, 'root')
      const target = roots[17] as string
      let last = target
      const chain: string[] = []
      for (let i = 0; i < 15; i++) chain.push((last = (await postGuest(t, `reply ${i}`, { parentId: last })).id))
      const deep = chain[12] as string
      const page = await readThread(t, { around: deep, limit: 5, replies: 3 })
      expect(page.comments[0].id).toBe(target)
      const ids: string[] = []
      const walk = (nodes: CommentNode[]) => nodes.forEach((n) => (ids.push(n.id), walk(n.replies)))
      walk(page.comments)
      expect(ids).toContain(deep)
      expect(page.nextCursor).toEqual(expect.any(String))
    })

    it('answers 404 for a comment of another thread', async () => {
      const t = await startApp(database())
      await postGuest(t, 'here')
      const elsewhere = await postGuest(t, 'there', { thread: { url: 'https://blog.example/other' } })
      const res = await t.get(
        `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent('https://blog.example/posts/japan-ai-copyright')}&around=${elsewhere.id}`,
      )
      expect(res.status).toBe(404)
      expect((await res.json()).error.code).toBe('comment_not_found')
    })

    describe('since a position (what a reader without a live stream polls)', () => {
      it('answers what was published after a page, replies included, oldest first and flat, leaving out what is held', async () => {
        const t = await startApp(database())
        const first = await postGuest(t, 'on the page')
        const position = (await readThread(t)).thread.lastSeq as number
        const next = await postGuest(t, 'after the page')
        const reply = await postGuest(t, 'a reply after the page', { parentId: first.id })
        await t.db.updateTable('sites').set({ premoderation: 'all' }).where('id', '=', t.site.id).execute()
        await postGuest(t, 'held')
        const news = await readThread(t, { since: position })
        expect(news.comments.map((c: CommentNode) => c.id)).toEqual([next.id, reply.id])
        expect(news.comments.map((c: CommentNode) => c.replies)).toEqual([[], []])
        expect(news.thread.lastSeq).toBe(position + 3)
        expect((await readThread(t, { since: news.thread.lastSeq })).comments).toEqual([])
      })

      it('stops at limit and says where it stopped, so the next poll goes on from there', async () => {
        const t = await startApp(database())
        const ids = await postMany(t, 5)
        const page = await readThread(t, { since: 0, limit: 3 })
        expect(page.comments.map((c: CommentNode) => c.id)).toEqual(ids.slice(0, 3))
        const rest = await readThread(t, { since: page.thread.lastSeq, limit: 3 })
        expect(rest.comments.map((c: CommentNode) => c.id)).toEqual(ids.slice(3))
        expect(rest.thread.lastSeq).toBe(5)
      })

      it('takes any limit up to 100: news comes flat, so replies per branch do not multiply it', async () => {
        const t = await startApp(database())
        await postMany(t, 2)
        expect((await readThread(t, { since: 0, limit: 100 })).comments).toHaveLength(2)
      })

      it('refuses a position that is not a whole number', async () => {
        const t = await startApp(database())
        expect((await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent('https://blog.example/a')}&since=-1`)).status).toBe(400)
      })
    })
  })
})
