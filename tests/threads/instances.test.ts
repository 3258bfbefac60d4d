import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'

forEachBackend((database) => {
  describe('two instances on one database', () => {
    it('makes one thread of many first comments at once on a new page', async () => {
      const t = await startApp(database())
      const other = createApp({
        db: database().connectAgain(),
        clock: t.clock,
        config: parseConfig({ PAGE_CACHE_MS: '0' }),
        log: createLog('silent'),
        markdown: createMarkdownRenderer(), passwords: nodePasswordHasher,
      })
      const post = (app: typeof other, i: number) =>
        app.request(`/api/v1/sites/${t.site.id}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: t.site.origin },
          body: JSON.stringify(guestComment(`first ${i}`, { thread: { url: 'https://blog.example/brand-new', title: 'New' } })),
        })
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i % 2 ? other : t.app, i)))
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201))
      expect(await t.count('threads')).toBe(1)
      const page = await readThread(t, { url: 'https://blog.example/brand-new', limit: 50 })
      expect(page.thread.total).toBe(8)
      expect(page.comments).toHaveLength(8)
      const seqs = await t.db.selectFrom('comments').select('seq').where('site_id', '=', t.site.id).orderBy('seq').execute()
      expect(seqs.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    })

    it('shows a write made through one instance on another within a second, despite its page cache', async () => {
      const cached = { config: { pageCacheMs: 1000 } }
      const writer = await startApp(database(), cached)
      const reader = await startApp(database(), { ...cached, db: database().connectAgain(), clock: writer.clock })
      const url = encodeURIComponent('https://blog.example/posts/japan-ai-copyright')
      const read = async () => (await (await reader.get(`/api/v1/sites/${writer.site.id}/thread?url=${url}`)).json()).thread?.total ?? 0
      await postGuest(writer, 'one')
      expect(await read()).toBe(1)
      await postGuest(writer, 'two')
      // Within the cache's lifetime the other instance may still answer from memory...
      expect(await read()).toBeLessThanOrEqual(2)
      // ...but never after a second.
      writer.clock.advance(1000)
      expect(await read()).toBe(2)
      // The writing instance itself shows its own write at once.
      await postGuest(writer, 'three')
      expect((await readThread(writer)).thread.total).toBe(3)
    })
  })
})
