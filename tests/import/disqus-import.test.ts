import { describe, expect, it } from 'vitest'
import { ensureVerifiedUser } from '../../src/auth/users.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { SITE_ORIGIN } from '../helpers/harness.ts'
import { outline, startImportApp, uploadsLeft } from './helpers.ts'

const HELLO = `${SITE_ORIGIN}/posts/hello`
const JAPAN = `${SITE_ORIGIN}/posts/japan`

forEachBackend((database) => {
  describe('importing a Disqus export through the admin API', () => {
    it('builds each thread with its tree, states, authors and dates, and keeps every author a guest', async () => {
      const t = await startImportApp(database())
      await ensureVerifiedUser(t.db, { email: 'ren@example.com', displayName: 'Ren Account', passwordHash: null }, t.clock.now())
      await t.db.insertInto('users').values({ email: 'unverified@example.com', email_verified_at: null, display_name: 'Squatter', password_hash: null }).execute()

      const run = await t.importFile('disqus-blog.xml')
      expect(run.status).toBe('done')
      expect(run.phase).toBe('finished')
      expect(run.threadsDone).toBe(run.threadsTotal)
      expect(run.summary?.threads).toEqual({ created: 2, updated: 0, unchanged: 0 })
      expect(run.summary?.comments).toEqual({
        imported: 10,
        alreadyImported: 0,
        linkedToAccounts: 0,
        byState: { published: 8, pending: 0, hidden: 0, removed: 1, spam: 1 },
      })
      const skipped = Object.fromEntries(run.summary?.skipped.reasons.map((r) => [r.reason, r]) ?? [])
      expect(Object.values(skipped).map((r) => r.count).sort()).toEqual([1, 1, 1])
      expect(Object.values(skipped).flatMap((r) => r.examples)).toEqual(
        expect.arrayContaining(['thread 102', 'thread 103: http://old-blog.example/2019/moved/', 'comment 3001 (thread 103)']),
      )

      const hello = await t.read(`${HELLO}/?utm_source=x`)
      expect(hello.thread).toMatchObject({ key: HELLO, url: HELLO, title: 'Hello, world', total: 6, locked: false })
      // Oldest first; spam stays out; the deleted comment stays as a tombstone for its reply;
      // the reply that came before its parent in the file sits under it.
      expect(outline(hello.comments)).toEqual([
        ['Aki', 'First! A bold claim, and a link.', 'published', [['ren_disqus', 'A reply from someone with an Engawa account.', 'published', [['Mio', 'Deeper still.', 'published']]]]],
        [null, '', 'deleted', [['Aki', 'What did it say?', 'published']]],
        ['Sora', 'Late to the party.', 'published', [['Kai', 'Replying to the late one.', 'published']]],
      ])
      const [first, tombstone, late] = hello.comments
      expect(first?.createdAt).toBe('2021-03-01T10:00:00.000Z')
      expect(first?.replyCount).toBe(1)
      expect(first?.html).toBe('<p>First! A <strong>bold</strong> claim, and a <a href="https://example.org/a" rel="nofollow ugc noopener noreferrer">link</a>.</p>')
      expect(tombstone?.replyCount).toBe(1)
      expect(late?.replies[0]?.depth).toBe(1)

      const rows = await t.db.selectFrom('comments').selectAll().where('site_id', '=', t.site.id).orderBy('seq').execute()
      const byName = (name: string) => rows.find((r) => r.author_name === name)
      // An owner writes the file: through the API, nobody's words are put under an Engawa account
      // (a crafted file could otherwise speak for anyone whose address it knows).
      expect(byName('ren_disqus')).toMatchObject({ author_user_id: null, author_email: 'ren@example.com' })
      expect(byName('Mio')).toMatchObject({ author_user_id: null, author_email: 'unverified@example.com' })
      expect(byName('Watches')?.status).toBe('spam')
      expect(byName('Aki')?.body_source).toBe('First! A **bold** claim, and a [link](https://example.org/a).')
      expect(rows.find((r) => r.status === 'deleted')).toMatchObject({ body_source: '', body_html: '', author_name: '', author_email: null })

      const japan = await t.read(JAPAN)
      expect(japan.thread).toMatchObject({ title: '縁側で話す', total: 2, locked: true })
      expect(outline(japan.comments)).toEqual([['山田 太郎', 'こんにちは、世界！縁側はいいですね。二段落目です。', 'published', [['花子', '返信です ここ赤', 'published']]]])
      // The hostile reply went through the same allowlist as a new comment.
      expect(japan.comments[0]?.replies[0]?.html).toBe('<p>返信です <a rel="nofollow ugc noopener noreferrer">ここ</a>赤</p>')

      expect(uploadsLeft(t)).toEqual([])
      expect((await t.countItems()).staged).toBe(0)
      const audit = await t.db.selectFrom('moderation_actions').selectAll().where('site_id', '=', t.site.id).execute()
      expect(audit).toEqual([expect.objectContaining({ action: 'import', target_kind: 'site', actor_user_id: expect.any(String) })])
    })

    it('adds nothing the second time, and only the mapped thread when an old origin is mapped', async () => {
      const t = await startImportApp(database())
      await t.importFile('disqus-blog.xml')
      const before = await t.countItems()
      const again = await t.importFile('disqus-blog.xml')
      expect(again.summary?.comments).toMatchObject({ imported: 0, alreadyImported: 10 })
      expect(again.summary?.threads).toEqual({ created: 0, updated: 0, unchanged: 2 })
      expect(await t.countItems()).toEqual(before)

      const mapped = await t.importFile('disqus-blog.xml', `mapOrigin=${encodeURIComponent(`http://old-blog.example=${SITE_ORIGIN}`)}`)
      expect(mapped.summary?.threads).toEqual({ created: 1, updated: 0, unchanged: 2 })
      expect(mapped.summary?.comments.imported).toBe(1)
      const moved = await t.read(`${SITE_ORIGIN}/2019/moved`)
      expect(outline(moved.comments)).toEqual([['Old Timer', 'Posted when the blog lived elsewhere.', 'published']])
      expect((await t.countItems()).comments).toBe(before.comments + 1)
    })

    it('adds to a thread readers already wrote in, old comments taking their place by date, and shows no stale cached page', async () => {
      const t = await startImportApp(database(), { config: { pageCacheMs: 1000 } })
      const posted = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: HELLO }, author: { name: 'Native' }, body: 'Here first' })
      expect(posted.status).toBe(201)
      expect((await t.read(HELLO)).thread?.total).toBe(1)
      const run = await t.importFile('disqus-blog.xml')
      expect(run.summary?.threads).toEqual({ created: 1, updated: 1, unchanged: 0 })
      const page = await t.read(HELLO)
      expect(page.thread?.total).toBe(7)
      // The 2021 comments come before the one posted today, each with its replies under it.
      expect(outline(page.comments)).toEqual([
        ['Aki', 'First! A bold claim, and a link.', 'published', [[expect.any(String), 'A reply from someone with an Engawa account.', 'published', [['Mio', 'Deeper still.', 'published']]]]],
        [null, '', 'deleted', [['Aki', 'What did it say?', 'published']]],
        ['Sora', 'Late to the party.', 'published', [['Kai', 'Replying to the late one.', 'published']]],
        ['Native', 'Here first', 'published'],
      ])
      const thread = await t.db.selectFrom('threads').select(['last_seq', 'version']).where('site_id', '=', t.site.id).where('key', '=', HELLO).executeTakeFirstOrThrow()
      expect(thread.last_seq).toBe(9)
    })

    it('attaches a later export’s new replies to comments imported before', async () => {
      const t = await startImportApp(database())
      await t.importFile('disqus-blog.xml')
      const later = `<?xml version="1.0"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="100"><link>${HELLO}</link><title>Hello, world</title></thread>
  <post dsq:id="1001"><message>&lt;p&gt;First!&lt;/p&gt;</message><createdAt>2021-03-01T10:00:00Z</createdAt><author><name>Aki</name></author><thread dsq:id="100"/></post>
  <post dsq:id="1100"><message>&lt;p&gt;Under the tombstone.&lt;/p&gt;</message><createdAt>2022-01-01T00:00:00Z</createdAt><author><name>Yui</name></author><thread dsq:id="100"/><parent dsq:id="1005"/></post>
  <post dsq:id="1101"><message>&lt;p&gt;Under Mio.&lt;/p&gt;</message><createdAt>2022-01-02T00:00:00Z</createdAt><author><name>Yui</name></author><thread dsq:id="100"/><parent dsq:id="1003"/></post>
</disqus>`
      const res = await t.upload(new TextEncoder().encode(later), 'format=disqus')
      expect(res.status).toBe(202)
      await t.uploads.idle()
      const page = await t.read(HELLO)
      expect(page.thread?.total).toBe(8)
      expect(outline(page.comments)).toEqual([
        ['Aki', 'First! A bold claim, and a link.', 'published', [[expect.any(String), 'A reply from someone with an Engawa account.', 'published', [['Mio', 'Deeper still.', 'published', [['Yui', 'Under Mio.', 'published']]]]]]],
        [null, '', 'deleted', [['Aki', 'What did it say?', 'published'], ['Yui', 'Under the tombstone.', 'published']]],
        ['Sora', 'Late to the party.', 'published', [['Kai', 'Replying to the late one.', 'published']]],
      ])
      expect(page.comments[1]?.replyCount).toBe(2)
    })

    it('repairs or skips odd records, and says which and why', async () => {
      const t = await startImportApp(database())
      const run = await t.importFile('disqus-odd.xml')
      expect(run.status).toBe('done')
      const count = (list: Array<{ reason: string; count: number }> | undefined, word: string) => list?.find((r) => r.reason.includes(word))?.count
      const repaired = run.summary?.repaired.reasons
      expect(count(repaired, 'not in the file')).toBe(1)
      expect(count(repaired, 'no name')).toBe(1)
      expect(count(repaired, 'unreadable')).toBe(1)
      expect(count(repaired, 'future')).toBe(1)
      expect(count(repaired, 'loop')).toBe(1)
      const skipped = run.summary?.skipped.reasons
      expect(count(skipped, 'same id')).toBe(1)
      expect(count(skipped, 'thread that is not in the file')).toBe(1)
      const page = await t.read(`${SITE_ORIGIN}/posts/odd`)
      expect(page.thread?.total).toBe(7)
      const names = page.comments.map((c) => c.author?.name)
      expect(names).toEqual(expect.arrayContaining(['Orphan', 'Anonymous', 'Vague', 'Time traveller', 'Plain', 'Loop']))
      const vague = page.comments.find((c) => c.author?.name === 'Vague')
      expect(vague?.createdAt).toBe('2020-06-01T00:00:00.000Z')
      const future = page.comments.find((c) => c.author?.name === 'Time traveller')
      expect(future?.createdAt).toBe(t.clock.now().toISOString())
      const loop = page.comments.find((c) => c.author?.name === 'Loop')
      expect(loop?.replies).toHaveLength(1)
      // Again: nothing written, so nothing repaired.
      const again = await t.importFile('disqus-odd.xml')
      expect(again.summary?.comments).toMatchObject({ imported: 0, alreadyImported: 7 })
      expect(again.summary?.repaired.total).toBe(0)
    })

    it('imports the real Disqus file from Isso’s tests: an orphan post and an empty thread are reported', async () => {
      const t = await startImportApp(database(), { site: { origins: ['http://example.org', 'http://localhost:4000'] } })
      const run = await t.importFile('disqus-isso.xml')
      expect(run.summary?.comments.imported).toBe(5)
      expect(run.summary?.skipped.reasons.map((r) => r.examples[0]).sort()).toEqual(['comment 6 (thread 1337)', 'thread 3'])
      const page = await t.read('http://example.org/')
      expect(outline(page.comments)).toEqual([
        ['peter', '...', 'published', [['user', 'Hello, World.', 'published']]],
        [null, '', 'deleted', [['user', 'Hello, World.', 'published']]],
      ])
    })
  })
})
