import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { SITE_ORIGIN } from '../helpers/harness.ts'
import { outline, startImportApp } from './helpers.ts'

forEachBackend((database) => {
  describe('importing a WordPress export (WXR) through the admin API', () => {
    it('keeps replies, states, paragraphs and dates, and skips pingbacks and trackbacks with a reason', async () => {
      const t = await startImportApp(database())
      const run = await t.importFile('wordpress-blog.xml')
      expect(run.status).toBe('done')
      expect(run.summary?.threads).toEqual({ created: 2, updated: 0, unchanged: 0 })
      expect(run.summary?.comments.byState).toEqual({ published: 4, pending: 1, hidden: 0, removed: 1, spam: 1 })
      expect(run.summary?.skipped.reasons).toEqual([
        { reason: 'A pingback or trackback, not a comment', count: 2, examples: ['comment 26 (post 10)', 'comment 27 (post 10)'] },
      ])

      const tea = await t.read(`${SITE_ORIGIN}/2021/03/tea/`)
      expect(tea.thread).toMatchObject({ title: 'Tea on the veranda', total: 2, locked: false })
      // The pending reply, the spam and the trashed comment (without replies) stay out of readers' sight.
      expect(outline(tea.comments)).toEqual([['Aki', 'Lovely post.\nTwo paragraphs,\nand a line break. Emphasis too.', 'published', [['Ren', 'Agreed!', 'published']]]])
      expect(tea.comments[0]?.html).toBe('<p>Lovely post.</p>\n<p>Two paragraphs,<br />\nand a line break. <em>Emphasis</em> too.</p>')
      expect(tea.comments[0]?.createdAt).toBe('2021-03-01T10:00:00.000Z')
      const statuses = await t.db.selectFrom('comments').select(['author_name', 'status']).where('site_id', '=', t.site.id).orderBy('seq').execute()
      expect(statuses).toEqual(
        expect.arrayContaining([
          { author_name: 'Awaiting', status: 'pending' },
          { author_name: 'Cheap pills', status: 'spam' },
          { author_name: '', status: 'deleted' },
        ]),
      )

      const engawa = await t.read(`${SITE_ORIGIN}/2021/04/engawa`)
      expect(engawa.thread).toMatchObject({ title: '縁側の午後', total: 2, locked: true })
      expect(outline(engawa.comments)).toEqual([['佐藤 花子', '素敵な午後ですね。\nお茶が飲みたくなりました。', 'published', [['編集部', 'ありがとうございます！', 'published']]]])

      const again = await t.importFile('wordpress-blog.xml')
      expect(again.summary?.comments).toMatchObject({ imported: 0, alreadyImported: 7 })
    })

    it('repairs what hand-made files lack and skips a plugin’s notes', async () => {
      const t = await startImportApp(database())
      const run = await t.importFile('wordpress-odd.xml')
      expect(run.summary?.comments.imported).toBe(2)
      expect(run.summary?.repaired.reasons.map((r) => r.count)).toEqual([1, 1, 1])
      expect(run.summary?.skipped.reasons.map((r) => r.reason)).toEqual([`Not a reader's comment (type "order_note")`])
      const page = await t.read(`${SITE_ORIGIN}/odd`)
      expect(outline(page.comments)).toEqual([
        ['Anonymous', 'No name, no email, no date.', 'published'],
        ['Early', `Read before the post's id.`, 'published'],
      ])
      expect(page.comments[0]?.createdAt).toBe('2020-02-01T00:00:00.000Z')
    })

    it('imports the real WXR file from Isso’s tests onto its mapped origin', async () => {
      const t = await startImportApp(database())
      const run = await t.importFile('wordpress-isso.xml', `mapOrigin=${encodeURIComponent(`http://example.tld=${SITE_ORIGIN}`)}`)
      expect(run.summary?.threads.created).toBe(2)
      expect(run.summary?.comments.imported).toBe(8)
      const page = await t.read(`${SITE_ORIGIN}/2014/test/`)
      expect(page.thread?.title).toBe('Hello, World…')
      expect(page.comments.map((c) => c.author?.name)).toEqual(['Ohai', 'Tester', 'Multiline Author', 'Letzter :/'])
      expect(page.comments[1]?.replies.map((r) => r.replies.length)).toEqual([2])
      expect((await t.read(`${SITE_ORIGIN}/?p=4`)).thread?.total).toBe(1)
    })
  })
})
