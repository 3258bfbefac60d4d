import { describe, expect, it } from 'vitest'
import { importDisqus } from '../../src/import/disqus.ts'
import { importWordPress } from '../../src/import/wordpress.ts'
import { ENGAWA_ORIGIN } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { SITE_ORIGIN } from '../helpers/harness.ts'
import { startImportApp } from './helpers.ts'
import { parse, tempFile } from './parse-fixture.ts'

// What other projects' exports hold and a careless reader gets wrong: a thread deleted in Disqus,
// flags that are neither true nor false, a stray character before `<?xml`, a WordPress draft.

const post = (id: string, thread: string, extra = '') =>
  `<post dsq:id="${id}"><message><![CDATA[<p>Post ${id}</p>]]></message><createdAt>2021-01-01T00:00:00Z</createdAt>` +
  `<author><name>A${id}</name></author><thread dsq:id="${thread}"/>${extra}</post>`

const DISQUS = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="kept"><link>${SITE_ORIGIN}/kept</link><title>Kept</title><isDeleted>false</isDeleted></thread>
  <thread dsq:id="gone"><link>${SITE_ORIGIN}/gone</link><title>Gone</title><isDeleted>true</isDeleted></thread>
  <thread dsq:id="unsure"><link>${SITE_ORIGIN}/unsure</link><title>Unsure</title><isDeleted>maybe</isDeleted></thread>
  ${post('1', 'kept', '<isDeleted>0</isDeleted><isSpam>0</isSpam>')}
  ${post('2', 'kept', '<isSpam>1</isSpam>')}
  ${post('3', 'kept', '<isSpam>yes</isSpam>')}
  ${post('4', 'gone', '<isSpam>false</isSpam>')}
  ${post('5', 'gone')}
  ${post('6', 'unsure')}
</disqus>`

const wxrItem = (id: string, status: string, comments: string[]) => `
    <item><title>Post ${id}</title><link>${SITE_ORIGIN}/wp/${id}</link><wp:post_id>${id}</wp:post_id><wp:status>${status}</wp:status>
      ${comments.map((c) => `<wp:comment><wp:comment_id>${c}</wp:comment_id><wp:comment_author>W${c}</wp:comment_author><wp:comment_date_gmt>2021-01-01 00:00:00</wp:comment_date_gmt><wp:comment_content>Comment ${c}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>`).join('')}
    </item>`

const WXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
  ${wxrItem('10', 'publish', ['101'])}${wxrItem('20', 'draft', ['201', '202'])}${wxrItem('30', 'trash', ['301'])}
</channel></rss>`

describe('reading Disqus and WordPress exports with care', () => {
  it('leaves out a thread deleted in Disqus with its posts, and holds posts whose flags it cannot read', async () => {
    const parsed = await parse(importDisqus, tempFile('flags.xml', DISQUS))
    expect(parsed.error).toBeUndefined()
    expect(parsed.threads.map((t) => t.sourceId)).toEqual(['kept', 'unsure'])
    expect(parsed.comments.map((c) => [c.sourceId, c.state])).toEqual([['1', 'published'], ['2', 'spam'], ['3', 'pending'], ['6', 'pending']])
    expect(parsed.skipped).toEqual([
      { what: `thread gone: ${SITE_ORIGIN}/gone`, reason: 'The thread was deleted in Disqus' },
      { what: 'post 4 (thread gone)', reason: "The comment's thread was deleted in Disqus" },
      { what: 'post 5 (thread gone)', reason: "The comment's thread was deleted in Disqus" },
    ])
    expect(parsed.repaired).toEqual([
      { what: `thread unsure: ${SITE_ORIGIN}/unsure`, reason: 'The isDeleted flag was neither true nor false ("maybe"): held for review' },
      { what: 'post 3 (thread kept)', reason: 'The isSpam flag was neither true nor false ("yes"): held for review' },
    ])
  })

  it('reads a file with a stray character before <?xml from its declaration on, and says so', async () => {
    const parsed = await parse(importDisqus, tempFile('junk.xml', `x\n${DISQUS}`))
    expect(parsed.error).toBeUndefined()
    expect(parsed.comments).toHaveLength(4)
    expect(parsed.repaired[0]).toEqual({
      what: 'the first 2 character(s): "x"',
      reason: 'Characters before the XML declaration were skipped (the file was read from its <?xml on)',
    })
    // More than a stray character is not an export at all.
    const refused = await parse(importDisqus, tempFile('prose.xml', `${'Not XML at all. '.repeat(100)}${DISQUS}`))
    expect(String(refused.error)).toMatch(/not an XML file/)
  })

  it("skips the comments of a WordPress draft or trashed post, saying which and why", async () => {
    const parsed = await parse(importWordPress, tempFile('drafts.xml', WXR))
    expect(parsed.error).toBeUndefined()
    expect(parsed.threads.map((t) => t.sourceId)).toEqual(['10'])
    expect(parsed.comments.map((c) => c.sourceId)).toEqual(['10:101'])
    expect(parsed.skipped).toEqual([
      { what: 'comment 201 (post 20)', reason: 'The post is a draft, never published' },
      { what: 'comment 202 (post 20)', reason: 'The post is a draft, never published' },
      { what: 'comment 301 (post 30)', reason: "The post is in WordPress's trash" },
    ])
  })
})

forEachBackend((database) => {
  describe('importing a Disqus export with a deleted thread through the admin API', () => {
    it('shows none of its comments, and the summary says what was left out and what was held', async () => {
      const t = await startImportApp(database())
      const res = await t.upload(new TextEncoder().encode(`\uFEFF \r\n${DISQUS}`), 'format=disqus&name=flags.xml')
      expect(res.status).toBe(202)
      await t.uploads.idle()
      const run = (await (await t.request('GET', `/api/v1/admin/sites/${t.site.id}/imports/${(await res.json()).import.id}`, undefined, {
        origin: ENGAWA_ORIGIN, headers: { cookie: t.cookie },
      })).json()).import
      expect(run.status).toBe('done')
      expect(run.summary.comments.byState).toEqual({ published: 1, pending: 2, hidden: 0, removed: 0, spam: 1 })
      expect(run.summary.skipped.reasons.map((r: { reason: string; count: number }) => [r.reason, r.count])).toEqual([
        ["The comment's thread was deleted in Disqus", 2],
        ['The thread was deleted in Disqus', 1],
      ])
      expect(run.summary.repaired.total).toBe(2)
      expect((await t.read(`${SITE_ORIGIN}/gone`)).thread).toBeNull()
      expect((await t.read(`${SITE_ORIGIN}/unsure`)).comments).toEqual([])
      expect((await t.read(`${SITE_ORIGIN}/kept`)).thread?.total).toBe(1)
    })
  })
})
