import { describe, expect, it } from 'vitest'
import { fromEngawa } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'
import { startImportApp } from '../import/helpers.ts'
import { HELD_WORD, LOCKED_URL, seedSite } from './seed.ts'

/** Published comments as "parent's html → html, by author, at", which survive the ids changing. */
async function publishedOf(t: TestApp, url: string) {
  const rows = await t.db
    .selectFrom('comments as c')
    .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
    .leftJoin('comments as p', (j) => j.onRef('p.site_id', '=', 'c.site_id').onRef('p.id', '=', 'c.parent_id'))
    .select(['c.body_html', 'c.author_name', 'c.created_at', 'p.body_html as parent_html', 't.title'])
    .where('c.site_id', '=', t.site.id)
    .where('t.url', '=', url)
    .where('c.status', '=', 'published')
    .execute()
  return rows.map((r) => `${r.title}: ${r.parent_html ?? '(top)'} → ${r.body_html} by ${r.author_name} at ${r.created_at.toISOString()}`).sort()
}

forEachBackend((database) => {
  describe('the Disqus-compatible export, read by a Disqus importer', () => {
    it("brings back every published comment with its page, parent, text, author and time through Engawa's own Disqus import", async () => {
      const source = await startApp(database(), { site: { blockedWords: [HELD_WORD] } })
      const { owner } = await seedSite(source)
      const exported = await fromEngawa(source, 'GET', `/api/v1/admin/sites/${source.site.id}/export?format=disqus`, undefined, owner.cookie)
      const target = await startImportApp(database())
      const upload = await target.upload(new TextEncoder().encode(await exported.text()), 'format=disqus&name=export.xml')
      expect(upload.status).toBe(202)
      await target.uploads.idle()
      // Disqus has no "awaiting approval" (it comes back published) and no "hidden" (it comes back removed).
      const pending = (p: string) => !p.includes(HELD_WORD)
      // XML cannot hold control characters at all: the export drops them.
      const withoutControls = (line: string) => line.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
      for (const url of [ARTICLE_URL, LOCKED_URL]) {
        const before = (await publishedOf(source, url)).map(withoutControls)
        expect(before.length).toBeGreaterThan(0)
        expect((await publishedOf(target, url)).filter(pending), url).toEqual(before)
      }
    })
  })
})
