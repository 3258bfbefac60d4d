import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.ts'
import { DEMO_KEY, DEMO_SITE_ID } from '../../src/demo/article.ts'
import { DISCUSSION } from '../../src/demo/discussion.ts'
import { ensureDemo } from '../../src/demo/seed.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('the demo', () => {
    it('is made on an empty database only, with a lively seeded thread that /demo embeds', async () => {
      const config = parseConfig({ PORT: '8787' })
      await database().db.deleteFrom('sites').execute() // as a first start finds it
      expect(await ensureDemo(database().db, config, createMarkdownRenderer(), new Date())).toBe(true)
      expect(await ensureDemo(database().db, config, createMarkdownRenderer(), new Date())).toBe(false)
      const t = await startApp(database())
      const demo = await t.get('/demo', { origin: false })
      expect(demo.status).toBe(200)
      const html = await demo.text()
      expect(html).toContain(`src="/embed.js" data-site="${DEMO_SITE_ID}" data-key="${DEMO_KEY}"`)
      expect(html).toContain('Article 30-4')

      const page = await (await t.get(`/api/v1/sites/${DEMO_SITE_ID}/thread?key=${DEMO_KEY}`, { origin: false })).json()
      expect(page.thread.total).toBe(DISCUSSION.length - 1)
      expect(page.nextCursor).not.toBeNull()
      const all = JSON.stringify(page)
      expect(all).toMatch(/"status":"deleted"/)
      expect(all).toMatch(/"editedAt":"20/)
      expect(all).toMatch(/[ぁ-んァ-ヶ一-龯]/)
      expect(page.comments.some((c: { repliesCursor: string | null }) => c.repliesCursor)).toBe(true)
      expect(Math.max(...page.comments.map((c: { score: number }) => c.score))).toBeGreaterThanOrEqual(5)
      // Guests, signed-in readers and a moderator with a badge, so each looks as it will on a real site.
      expect(all).toMatch(/"kind":"guest"/)
      expect(all).toMatch(/"name":"Mika \(illustrator\)","kind":"reader"/)
      const everything = JSON.stringify(await (await t.get(`/api/v1/sites/${DEMO_SITE_ID}/thread?key=${DEMO_KEY}&limit=40&replies=20`, { origin: false })).json())
      expect(everything).toMatch(/"name":"Nao \(comments editor\)","kind":"moderator"/)
    })
  })
})
