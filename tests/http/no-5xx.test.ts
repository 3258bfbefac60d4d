import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createTempUploads } from '../../src/import/temp-uploads.ts'
import { createLiveFeed } from '../../src/live/feed.ts'
import { createLog } from '../../src/log.ts'
import { bearer, ENGAWA_ORIGIN, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'

// Whatever a client sends to whichever route, with or without a session, the answer is never a
// 5xx and nothing is logged as an error: every route of the OpenAPI document meets the inputs
// below, a few thousand requests in all.

const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
const BODIES: Array<{ name: string; body: string | undefined }> = [
  { name: 'no body', body: undefined },
  { name: 'cut-off JSON', body: '{"thread":{"url":' },
  { name: 'JSON nested 100,000 deep', body: DEEP },
  { name: 'every field the wrong type', body: JSON.stringify({ body: 5, thread: 'x', value: '1', reason: [], author: 3, token: {}, email: true, password: null, name: [], action: 7, days: 'many', url: 1, key: {}, origins: 'x', settings: 1 }) },
  { name: 'a lone surrogate and NUL', body: '{"body":"\\ud800 \\u0000","author":{"name":"\\udfff"},"thread":{"url":"https://blog.example/\\u0000"}}' },
  { name: 'huge numbers', body: JSON.stringify({ value: 1e308, days: -1e308, limit: 2 ** 63, editWindowSeconds: 1e300 }) },
]
/** What a path parameter is given: the real value, or garbage of several kinds. */
const ODD_PARAMS = ['nosuchthing', '%E2%80%AE', '..%2F..', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000']

forEachBackend((database) => {
  describe('any input to any route', () => {
    it('never answers 5xx and never logs an error', async () => {
      const live = createLiveFeed(database().db, database().listen, createLog('silent'))
      await live.start()
      const uploadDir = mkdtempSync(join(tmpdir(), 'engawa-fuzz-'))
      const uploads = createTempUploads(uploadDir)
      const t = await startApp(database(), { live, imports: uploads })
      const owner = await staffOf(t, 'Olive', 'owner')
      const posted = await postGuest(t, 'Hello')
      const doc = await (await t.get('/api/openapi.json')).json()
      const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })))
      expect(operations.length).toBeGreaterThan(60)
      // Sessions end on these; they come last, each once.
      const ending = (o: { method: string; path: string }) => /\/(logout|password)$/.test(o.path) || (o.method === 'DELETE' && o.path === '/api/v1/me')
      const ordered = [...operations.filter((o) => !ending(o)), ...operations.filter(ending)]
      const failures: string[] = []
      for (const { method, path } of ordered) {
        const fill = (odd: string | undefined) =>
          path.replace(/\{(\w+)\}/g, (_, name: string) => odd ?? (name === 'site' ? t.site.id : name === 'id' ? posted.id : crypto.randomUUID()))
        const paths = [fill(undefined), ...(path.includes('{') ? ODD_PARAMS.map((odd) => fill(odd)) : [])]
        const who: Array<Record<string, string>> = ending({ method, path }) ? [{}] : [{}, { cookie: owner.cookie }, bearer(owner.token)]
        for (const target of paths)
          for (const headers of who)
            for (const { name, body } of method === 'GET' ? BODIES.slice(0, 1) : BODIES) {
              const origin = 'cookie' in headers ? ENGAWA_ORIGIN : t.site.origin
              const res = await t.request(method, `${target}?url=${encodeURIComponent('https://blog.example/\u202E')}&key=%FF`, body, {
                origin,
                headers: { ...headers, 'content-type': 'application/json' },
              })
              if (res.status >= 500) failures.push(`${method} ${target} (${name}, ${Object.keys(headers).join() || 'anonymous'}): ${res.status} ${(await res.text()).slice(0, 200)}`)
              else await res.body?.cancel()
            }
      }
      await uploads.idle()
      await live.close()
      rmSync(uploadDir, { recursive: true, force: true })
      expect(failures).toEqual([])
      expect(t.logs.filter((line) => JSON.parse(line).level === 'error')).toEqual([])
    }, 240_000)
  })
})
