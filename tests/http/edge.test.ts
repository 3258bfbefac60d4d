import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/schema.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { createLiveFeed } from '../../src/live/feed.ts'
import { NO_SNIFF } from '../../src/http/middleware/standard-headers.ts'
import { TDM_HEADERS } from '../../src/http/middleware/tdm-reservation.ts'
import { serveEngawa } from '../helpers/engawa-server.ts'
import { createFakeClock } from '../helpers/fake-clock.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { fromEngawa, staffOf } from '../helpers/accounts.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('CORS', () => {
    it('names the one allowed origin on reads and writes, never *', async () => {
      const t = await startApp(database(), { site: { origins: ['https://blog.example', 'https://www.blog.example'] } })
      const read = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`, {
        origin: 'https://www.blog.example',
      })
      expect(read.headers.get('access-control-allow-origin')).toBe('https://www.blog.example')
      expect(read.headers.get('vary')).toMatch(/origin/i)
      const preflight = await t.request('OPTIONS', `/api/v1/sites/${t.site.id}/comments`, undefined, {
        headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://blog.example')
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    })

    it.each(['https://evil.example', 'https://blog.example.evil.test', 'null', 'http://blog.example'])(
      'gives %s no permission, and a refusal it can read that says why',
      async (origin) => {
        const t = await startApp(database())
        await postGuest(t, 'not for other origins')
        const preflight = await t.request('OPTIONS', `/api/v1/sites/${t.site.id}/comments`, undefined, {
          origin,
          headers: { 'access-control-request-method': 'POST' },
        })
        expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
        const read = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`, { origin })
        expect(read.status).toBe(403)
        // Readable by the page (no cookies are ever sent there), and nothing of the thread in it.
        expect(read.headers.get('access-control-allow-origin')).toBe('*')
        expect(read.headers.get('access-control-allow-credentials')).toBeNull()
        const body = await read.json()
        expect(body.error.code).toBe('origin_not_allowed')
        expect(body.error.message).toContain(origin)
        // Only a near miss (http for https, www) is told which origin is allowed; the list stays private.
        if (origin === 'http://blog.example') expect(body.error.message).toContain(`(it allows ${t.site.origin})`)
        else expect(body.error.message).not.toContain('it allows')
        expect(JSON.stringify(body)).not.toContain('not for other origins')
      },
    )

    it('leaves the Atom feed and the counts to readers anywhere (feed readers, extensions)', async () => {
      const t = await startApp(database())
      await postGuest(t, 'counted')
      const origin = 'chrome-extension://abcdefghijklmnop'
      const feed = await t.get(`/api/v1/sites/${t.site.id}/feed.atom?url=${encodeURIComponent(ARTICLE_URL)}`, { origin })
      expect(feed.status).toBe(200)
      const counts = await t.get(`/api/v1/sites/${t.site.id}/counts?url=${encodeURIComponent(ARTICLE_URL)}`, { origin })
      expect(await counts.json()).toEqual({ counts: [{ url: ARTICLE_URL, count: 1 }] })
      expect(counts.headers.get('access-control-allow-origin')).toBeNull()
    })
  })

  describe('caching a page', () => {
    it('answers 304 to a matching If-None-Match and a new ETag after a change', async () => {
      const t = await startApp(database())
      await postGuest(t, 'one')
      const path = `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
      const first = await t.get(path)
      const etag = first.headers.get('etag') ?? ''
      expect(etag).toMatch(/^"[0-9a-f]{32}"$/)
      expect(first.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=1')
      const again = await t.get(path, { headers: { 'if-none-match': etag } })
      expect(again.status).toBe(304)
      expect(await again.text()).toBe('')
      await postGuest(t, 'two')
      const changed = await t.get(path, { headers: { 'if-none-match': etag } })
      expect(changed.status).toBe(200)
      expect(changed.headers.get('etag')).not.toBe(etag)
    })

    it('revalidates from the thread row alone, without reading or rendering the page, and every change readers see moves the ETag', async () => {
      const t = await startApp(database())
      const mod = await staffOf(t, 'Mod')
      const first = await postGuest(t, 'one')
      const path = `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
      let etag = (await t.get(path)).headers.get('etag') ?? ''
      database().queries.length = 0
      expect((await t.get(path, { headers: { 'if-none-match': etag } })).status).toBe(304)
      expect(database().queries.filter((q) => /\bcomments\b/.test(q))).toEqual([])
      const moderate = (action: string) => fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${first.id}`, { action }, mod.cookie)
      for (const change of [() => moderate('hide'), () => moderate('unhide'), () => moderate('pin'), () => postGuest(t, 'two')]) {
        const res = await change()
        if (res instanceof Response) expect(res.status).toBe(200)
        const now = await t.get(path, { headers: { 'if-none-match': etag } })
        expect(now.status).toBe(200)
        expect(now.headers.get('etag')).not.toBe(etag)
        etag = now.headers.get('etag') ?? ''
      }
    })
  })

  describe('headers on every answer', () => {
    it('says nosniff and reserves TDM on JSON, errors, cached pages, streams, pages and the browser files', async () => {
      const live = createLiveFeed(database().db, database().listen, createLog('silent'))
      await live.start()
      const t = await startApp(database(), { config: { pageCacheMs: 1000 }, live })
      // The browser's files as Node serves them, through a real socket.
      const engawa = await serveEngawa(database())
      const file = (path: string) => fetch(`${engawa.origin}${path}`)
      const page = `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
      await t.get(page)
      const answers = {
        json: await t.get(page.replace('thread?', 'counts?')),
        'page from memory': await t.get(page),
        'an error': await t.get('/api/v1/sites/nosuchsite/thread?url=x'),
        'not found': await t.get('/nothing-here'),
        'a live stream': await t.get(page.replace('thread?', 'thread/live?')),
        'the demo page': await t.get('/demo'),
        'embed.js': await file('/embed.js'),
        'count.js': await file('/count.js'),
        'a static file': await file('/static/dashboard.css'),
      }
      for (const [what, res] of Object.entries(answers)) {
        expect([what, res.headers.get('x-content-type-options')]).toEqual([what, 'nosniff'])
        expect([what, res.headers.get('tdm-reservation'), res.headers.get('x-robots-tag')]).toEqual([what, '1', 'noai, noimageai'])
        await res.body?.cancel()
      }
      await live.close()
      await engawa.close()
    })
  })

  describe('text-and-data-mining reservation', () => {
    it('reserves TDM rights on API responses and in tdmrep.json by default', async () => {
      const t = await startApp(database())
      const res = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(res.headers.get('tdm-reservation')).toBe('1')
      expect(res.headers.get('x-robots-tag')).toBe('noai, noimageai')
      const error = await t.get('/api/v1/sites/nosuchsite/counts')
      expect(error.headers.get('tdm-reservation')).toBe('1')
      const rep = await (await t.get('/.well-known/tdmrep.json')).json()
      expect(rep.at(-1)).toEqual({ location: '/*', 'tdm-reservation': 1 })
    })

    it('lets a site owner turn the reservation off for that site only', async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      await t.db.updateTable('sites').set({ reserves_tdm: false }).where('id', '=', t.site.id).execute()
      const res = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(res.headers.get('tdm-reservation')).toBeNull()
      expect(res.headers.get('x-robots-tag')).toBeNull()
      const others = await other.get(`/api/v1/sites/${other.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(others.headers.get('tdm-reservation')).toBe('1')
      const rep = await (await t.get('/.well-known/tdmrep.json')).json()
      expect(rep).toContainEqual({ location: `/api/v1/sites/${t.site.id}/*`, 'tdm-reservation': 0 })
      expect(rep).not.toContainEqual({ location: `/api/v1/sites/${other.site.id}/*`, 'tdm-reservation': 0 })
    })
  })

  describe('service routes', () => {
    it('serves a valid OpenAPI 3.1 document that lists the public routes', async () => {
      const t = await startApp(database())
      const doc = await (await t.get('/api/openapi.json')).json()
      const result = await new Validator().validate(doc)
      expect(result.errors ?? []).toEqual([])
      expect(result.valid).toBe(true)
      expect(doc.openapi).toBe('3.1.0')
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/sites/{site}/thread',
          '/api/v1/sites/{site}/comments',
          '/api/v1/sites/{site}/comments/{id}',
          '/api/v1/sites/{site}/counts',
          '/api/v1/preview',
        ]),
      )
    })

    it('answers /healthz and /readyz', async () => {
      const t = await startApp(database())
      expect(await (await t.get('/healthz')).json()).toEqual({ status: 'ok' })
      const ready = await t.get('/readyz')
      expect(ready.status).toBe(200)
      expect(await ready.json()).toEqual({ status: 'ready', databases: [{ database: 'primary', ok: true, ms: expect.any(Number) }] })
    })

    it('gives every response a request id, logged with the request', async () => {
      const t = await startApp(database())
      const res = await t.get('/healthz')
      const requestId = res.headers.get('x-request-id') ?? 'missing'
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
      const line = JSON.parse(t.logs.find((l) => l.includes(requestId)) ?? '{}')
      expect(line).toMatchObject({ level: 'info', message: 'request', method: 'GET', path: '/healthz', status: 200 })
    })

    it('counts visible comments for many pages in one request, in the order asked', async () => {
      const t = await startApp(database())
      await postGuest(t, 'a')
      await postGuest(t, 'b')
      await postGuest(t, 'c', { thread: { url: 'https://blog.example/other', key: 'post-2' } })
      const q = new URLSearchParams([
        ['url', `${ARTICLE_URL}?utm_source=feed`],
        ['key', 'post-2'],
        ['url', 'https://blog.example/none'],
      ])
      const res = await t.get(`/api/v1/sites/${t.site.id}/counts?${q}`)
      expect(res.status).toBe(200)
      expect((await res.json()).counts).toEqual([
        { url: `${ARTICLE_URL}?utm_source=feed`, count: 2 },
        { key: 'post-2', count: 1 },
        { url: 'https://blog.example/none', count: 0 },
      ])
    })
  })
})

describe('the headers Workers give the browser files (public/_headers)', () => {
  it('are those Node gives them: nosniff and the TDM reservation; CORS for the modules the widget imports', () => {
    const sections: Record<string, Record<string, string>> = {}
    let path = ''
    for (const line of readFileSync('public/_headers', 'utf8').split('\n')) {
      if (/^\/\S*$/.test(line)) path = line
      else if (/^\s+\S+: /.test(line)) Object.assign((sections[path] ??= {}), Object.fromEntries([line.trim().split(/: (.*)/).slice(0, 2)]))
    }
    const cors = { 'Access-Control-Allow-Origin': '*' }
    expect(sections).toEqual({ '/*': { ...NO_SNIFF, ...TDM_HEADERS }, '/community.js': cors, '/inbox.js': cors, '/moderate.js': cors, '/profile.js': cors, '/react.js': cors, '/report.js': cors, '/write.js': cors })
  })
})

describe('an outage, and a bug', () => {
  const appOn = (db: Kysely<Database>, logs: string[]) =>
    createApp({
      db,
      clock: createFakeClock(),
      config: parseConfig({}),
      log: createLog('info', (l) => logs.push(l)),
      markdown: createMarkdownRenderer(), passwords: nodePasswordHasher,
    })

  it('answers 503 unavailable with Retry-After while the database cannot be reached, logged with the request id, and /readyz 503', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const logs: string[] = []
    const app = appOn(db, logs)
    const res = await app.request(`/api/v1/sites/abc/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
    expect(res.status).toBe(503)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await res.json()).error.code).toBe('unavailable')
    const requestId = res.headers.get('x-request-id') ?? 'missing'
    expect(logs.some((l) => l.includes(requestId) && l.includes('ECONNREFUSED') && l.includes('"level":"warn"'))).toBe(true)
    expect((await app.request('/readyz')).status).toBe(503)
    await db.destroy()
  })

  it('answers 500 internal_error with the request id, logged with the stack, when a query fails for another reason', async () => {
    // A database nobody migrated: every query names a table that is not there (SQLSTATE 42P01).
    const client = await PGlite.create()
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client) })
    const logs: string[] = []
    const res = await appOn(db, logs).request(`/api/v1/sites/abc/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
    expect(res.status).toBe(500)
    const body = await res.json()
    const requestId = res.headers.get('x-request-id') ?? 'missing'
    expect(body.error.code).toBe('internal_error')
    expect(body.error.message).toContain(requestId)
    expect(logs.some((l) => l.includes(requestId) && l.includes('"level":"error"') && l.includes('does not exist'))).toBe(true)
    await db.destroy()
  })
})

forEachBackend((database) => {
  describe('a cached page read', () => {
    it('answers a repeated read from memory with the same body and headers as the first', async () => {
      const t = await startApp(database(), { config: { pageCacheMs: 1000 } })
      await postGuest(t, 'one')
      const path = `/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`
      const first = await t.get(path)
      database().queries.length = 0
      const second = await t.get(path)
      expect(database().queries).toEqual([])
      expect(await second.text()).toBe(await first.text())
      const headers = (r: Response) =>
        Object.fromEntries([...r.headers].filter(([name]) => name !== 'x-request-id').sort(([a], [b]) => a.localeCompare(b)))
      expect(headers(second)).toEqual(headers(first))
      expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
      expect(t.logs.some((l) => l.includes(second.headers.get('x-request-id') ?? 'missing'))).toBe(true)
      const notModified = await t.get(path, { headers: { 'if-none-match': first.headers.get('etag') ?? '' } })
      expect(notModified.status).toBe(304)
      await postGuest(t, 'two')
      const after = await (await t.get(path)).json()
      expect(after.thread.total).toBe(2)
    })
  })
})
