import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ENGAWA_ORIGIN } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { SITE_ORIGIN } from '../helpers/harness.ts'
import { fixture, type ImportApp, type ImportJson, outline, startImportApp, uploadsLeft } from './helpers.ts'
import { issoDatabase } from './isso-database.ts'

/** Uploads bytes as `format`, waits for the import to end and returns it as GET …/imports/{id} shows it. */
async function importAs(t: ImportApp, format: string, bytes: Uint8Array, query = ''): Promise<ImportJson> {
  const res = await t.upload(bytes, `format=${format}&name=${format}-export${query ? `&${query}` : ''}`)
  const json = await res.json()
  expect(res.status, JSON.stringify(json)).toBe(202)
  await t.uploads.idle()
  const got = await t.request('GET', `/api/v1/admin/sites/${t.site.id}/imports/${json.import.id}`, undefined, { origin: ENGAWA_ORIGIN, headers: { cookie: t.cookie } })
  expect(got.status).toBe(200)
  return (await got.json()).import
}

forEachBackend((database) => {
  describe('importing Remark42, Commento, Isso, Waline and Artalk exports end to end', () => {
    it('Remark42: threads with titles and locks, the tree with its tombstone, edits; gzipped; nothing added twice', async () => {
      const t = await startImportApp(database())
      const run = await importAs(t, 'remark42', fixture('remark42-normal.json'))
      expect(run.status).toBe('done')
      expect(run.summary?.comments).toMatchObject({ imported: 5, byState: { published: 4, pending: 0, hidden: 0, removed: 1, spam: 0 } })
      const first = await t.read(`${SITE_ORIGIN}/posts/first/`)
      expect(first.thread).toMatchObject({ title: 'First post', total: 3, locked: false })
      expect(outline(first.comments)).toEqual([
        ['Aki Tanaka', 'Hello world', 'published', [['Sam', 'Thanks, edited once.', 'published']]],
        [null, '', 'deleted', [['Mika', 'Replying to a comment that was later deleted.', 'published']]],
      ])
      expect(first.comments[0]?.html).toBe('<p>Hello <strong>world</strong></p>')
      expect(first.comments[0]?.createdAt).toBe('2019-03-01T07:00:00.123Z')
      const closed = await t.read(`${SITE_ORIGIN}/posts/closed/`)
      expect(closed.thread).toMatchObject({ title: 'Closed post', locked: true })
      expect(outline(closed.comments)).toEqual([['Old Timer', 'Imported long ago, HTML only.', 'published']])

      const before = await t.countItems()
      const again = await importAs(t, 'remark42', fixture('remark42-normal.json'))
      expect(again.summary?.comments).toMatchObject({ imported: 0, alreadyImported: 5 })
      expect(await t.countItems()).toEqual(before)

      await importAs(t, 'remark42', gzipSync(fixture('remark42-japanese.json')), `mapOrigin=${encodeURIComponent(`https://nikki.example=${SITE_ORIGIN}`)}`)
      const japanese = await t.read(`${SITE_ORIGIN}/posts/%E7%B8%81%E5%81%B4/`)
      expect(japanese.thread?.title).toBe('縁側のある家')
      expect(outline(japanese.comments)).toEqual([['田中 明', 'はじめまして。縁側で話しましょう。', 'published', [['さくら', '素敵な記事ですね！🌸', 'published']]]])
      expect(uploadsLeft(t)).toEqual([])
    })

    it("Commento: the real export from Remark42's tests, and each state of a Commento export", async () => {
      const t = await startImportApp(database())
      const real = await importAs(t, 'commento', fixture('commento-remark42.json'), `mapOrigin=${encodeURIComponent(`https://example.com=${SITE_ORIGIN}`)}`)
      expect(real.summary?.comments.imported).toBe(3)
      expect(outline((await t.read(`${SITE_ORIGIN}/blog/post/1`)).comments)).toEqual([
        ['User5276', 'Example 2 comment created by user.', 'published', [['Saturnin Uf', 'Great reply!', 'published']]],
      ])
      expect(outline((await t.read(`${SITE_ORIGIN}/blog/post/2`)).comments)).toEqual([['Anonymous', 'Example comment created by user.', 'published']])

      const run = await importAs(t, 'commento', fixture('commento-normal.json'))
      expect(run.summary?.comments).toMatchObject({ imported: 6, byState: { published: 3, pending: 1, hidden: 0, removed: 1, spam: 1 } })
      // Pending and spam stay off the public page.
      expect(outline((await t.read(`${SITE_ORIGIN}/posts/hello/`)).comments)).toEqual([
        ['Aki', 'First! Nice post.', 'published', [['Anonymous', 'Agreed, from a guest.', 'published']]],
      ])
      expect(outline((await t.read(`${SITE_ORIGIN}/posts/second`)).comments)).toEqual([
        [null, '', 'deleted', [['Aki', 'A reply that outlived its parent.', 'published']]],
      ])
    })

    it("Comentario 3: pages known by path land on the site's origin, in Japanese, gzipped", async () => {
      const t = await startImportApp(database())
      const run = await importAs(t, 'commento', gzipSync(fixture('comentario-v3-japanese.json')))
      expect(run.summary?.comments).toMatchObject({ imported: 5, byState: { published: 2, pending: 1, hidden: 1, removed: 1, spam: 0 } })
      const page = await t.read(`${SITE_ORIGIN}/posts/engawa/`)
      expect(page.thread).toMatchObject({ url: `${SITE_ORIGIN}/posts/engawa`, title: '縁側のある暮らし' })
      // The rejected comment keeps its place as a placeholder; the pending one stays off the page.
      expect(outline(page.comments)).toEqual([
        ['山田 花子', '縁側でお茶を飲むのが好きです。', 'published', [['名無しさん', 'わかります！', 'published']]],
        [null, '', 'hidden'],
      ])
      expect((page.comments[0] as { editedAt?: string } | undefined)?.editedAt).toBe('2023-01-12T03:10:00.000Z')
      expect((await t.read(`${SITE_ORIGIN}/posts/closed/`)).thread).toMatchObject({ title: '終了した話題', locked: true })
    })

    it("Isso: the SQLite file's threads on the site's origin, its modes and its tree", async () => {
      const t = await startImportApp(database())
      const db = await issoDatabase('comments.db', [[1, '/posts/hello/', 'Hello, Isso'], [2, '/記事/縁側/', '縁側で話そう']], [
        { id: 1, tid: 1, created: 1614556800, mode: 1, text: 'First *comment*.', author: 'Aki', email: 'aki@mail.example' },
        { id: 2, tid: 1, parent: 1, created: 1614556860, mode: 1, text: 'A reply.', author: 'Ben' },
        { id: 3, tid: 1, created: 1614556920, mode: 2, text: 'Awaiting moderation.' },
        { id: 4, tid: 1, created: 1614556980, mode: 4, text: '' },
        { id: 5, tid: 1, parent: 4, created: 1614557040, mode: 1, text: 'Outlived its parent.', author: 'Cy' },
        { id: 6, tid: 2, created: 1614557100, mode: 1, text: '素敵な**縁側**ですね。', author: '佐藤 花子' },
      ])
      const run = await importAs(t, 'isso', new Uint8Array(readFileSync(db)))
      expect(run.summary?.comments).toMatchObject({ imported: 6, byState: { published: 4, pending: 1, hidden: 0, removed: 1, spam: 0 } })
      const hello = await t.read(`${SITE_ORIGIN}/posts/hello/`)
      expect(hello.thread).toMatchObject({ title: 'Hello, Isso', total: 3 })
      expect(outline(hello.comments)).toEqual([
        ['Aki', 'First comment.', 'published', [['Ben', 'A reply.', 'published']]],
        [null, '', 'deleted', [['Cy', 'Outlived its parent.', 'published']]],
      ])
      expect(hello.comments[0]?.html).toBe('<p>First <em>comment</em>.</p>')
      const japanese = await t.read(`${SITE_ORIGIN}/${encodeURI('記事/縁側')}/`)
      expect(outline(japanese.comments)).toEqual([['佐藤 花子', '素敵な縁側ですね。', 'published']])
    })

    it('Waline: paths on the site, signed-in users by their profile, states; a date-less comment repaired and reported', async () => {
      const t = await startImportApp(database())
      const run = await importAs(t, 'waline', fixture('waline-normal.json'))
      expect(run.summary?.comments).toMatchObject({ imported: 6, byState: { published: 4, pending: 1, hidden: 0, removed: 0, spam: 1 } })
      expect(outline((await t.read(`${SITE_ORIGIN}/posts/hello/`)).comments)).toEqual([
        ['Blog Admin', 'Welcome! Comments are Markdown.', 'published', [['Guest', 'Thanks for the post.', 'published', [['Blog Admin', '[@Guest](#2): you are welcome.', 'published']]]]],
      ])
      // Another Waline's ids would collide with the first file's (idempotence keys on them): a fresh site.
      const fresh = await startImportApp(database())
      const odd = await importAs(fresh, 'waline', fixture('waline-odd.json'))
      expect(odd.summary?.repaired.reasons.map((r) => r.reason)).toEqual(expect.arrayContaining([expect.stringContaining('date was missing')]))
      expect(odd.summary?.skipped.total).toBeGreaterThanOrEqual(3)
      const oddPage = await fresh.read(`${SITE_ORIGIN}/odd/`)
      // The nameless reply (by a user the file lost) sits under C, found through its `rid`.
      expect(oddPage.comments.map((c) => [c.author?.name, c.replies.map((r) => r.author?.name)])).toEqual([['B', []], ['C', ['Anonymous']], ['D', []]])
    })

    it("Artalk: page keys resolved against the export's site URL, the tree, pending kept off the page, in Japanese", async () => {
      const t = await startImportApp(database())
      const run = await importAs(t, 'artalk', fixture('artalk-normal.artrans'))
      expect(run.summary?.comments).toMatchObject({ imported: 5, byState: { published: 4, pending: 1, hidden: 0, removed: 0, spam: 0 } })
      const hello = await t.read(`${SITE_ORIGIN}/posts/hello/`)
      expect(hello.thread?.title).toBe('Hello, Artalk')
      expect(outline(hello.comments)).toEqual([
        ['Aki', 'Great write-up, thanks!', 'published', [['Ben', 'Agreed.', 'published', [['Cy', 'Folded by a moderator, still shown.', 'published']]]]],
      ])
      expect(outline((await t.read(`${SITE_ORIGIN}/about/`)).comments)).toEqual([['Eve', 'On a page keyed by its full URL.', 'published']])

      await importAs(t, 'artalk', fixture('artalk-japanese.artrans'), `mapOrigin=${encodeURIComponent(`https://nikki.example=${SITE_ORIGIN}`)}`)
      const japanese = await t.read(`${SITE_ORIGIN}/posts/${encodeURIComponent('縁側と本')}/`)
      expect(japanese.thread?.title).toBe('縁側と本')
      expect(outline(japanese.comments)).toEqual([['読書家', '縁側で読む本は格別です。📚', 'published', [['ねこ', 'おすすめの本はありますか？', 'published']]]])
    })

    it.each([
      { format: 'remark42', bytes: () => fixture('commento-remark42.json') },
      { format: 'commento', bytes: () => fixture('commento-damaged.json') },
      { format: 'isso', bytes: () => fixture('waline-normal.json') },
      { format: 'waline', bytes: () => fixture('artalk-normal.artrans') },
      { format: 'artalk', bytes: () => fixture('remark42-normal.json') },
    ])('refuses a file that is not $format, and writes nothing', async ({ format, bytes }) => {
      const t = await startImportApp(database())
      const res = await t.upload(bytes(), `format=${format}`)
      const status = res.status
      if (status === 202) await t.uploads.idle()
      expect(await t.countItems()).toEqual({ threads: 0, comments: 0, staged: 0, sources: 0 })
      expect(uploadsLeft(t)).toEqual([])
    })
  })
})
