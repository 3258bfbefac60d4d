import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type RequestOptions, type TestApp } from '../helpers/harness.ts'

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'
const MARKS = 'a' + Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(0x300 + (i % 112))).join('')
const deepJson = (depth: number) => `{"thread":{"url":"${ARTICLE_URL}"},"author":{"name":"A"},"body":${'['.repeat(depth)}${']'.repeat(depth)}}`
const withBytes = (prefix: string, bytes: number[], suffix: string) =>
  new Uint8Array([...new TextEncoder().encode(prefix), ...bytes, ...new TextEncoder().encode(suffix)])

type Case = {
  case: string
  body: unknown
  status: number
  code: string
  options?: RequestOptions
  path?: (t: TestApp, existing: { id: string; otherThreadId: string }) => string
}

const cases: Case[] = [
  { case: 'malformed JSON', body: '{"thread":', status: 400, code: 'invalid_json' },
  { case: 'a JSON array', body: '[]', status: 400, code: 'invalid_request' },
  { case: 'no content type', body: JSON.stringify(guestComment('hi')), options: { headers: { 'content-type': 'text/plain' } }, status: 415, code: 'unsupported_media_type' },
  { case: 'a number for body', body: { ...guestComment('x'), body: 42 }, status: 400, code: 'invalid_request' },
  { case: 'a string for thread', body: { ...guestComment('x'), thread: 'x' }, status: 400, code: 'invalid_request' },
  { case: 'a blank body', body: guestComment('   \n\t '), status: 400, code: 'invalid_request' },
  { case: 'a blank name', body: guestComment('hi', { author: { name: '  ' } }), status: 400, code: 'invalid_request' },
  { case: 'a 51-character name', body: guestComment('hi', { author: { name: 'x'.repeat(51) } }), status: 400, code: 'invalid_request' },
  { case: 'a bad email', body: guestComment('hi', { author: { name: 'A', email: 'not-an-email' } }), status: 400, code: 'invalid_request' },
  { case: 'no author (guest)', body: { thread: { url: ARTICLE_URL }, body: 'hi' }, status: 401, code: 'unauthorized' },
  { case: 'a NUL in the body', body: guestComment('a\u0000b'), status: 400, code: 'invalid_request' },
  { case: 'a NUL in the name', body: guestComment('hi', { author: { name: 'A\u0000' } }), status: 400, code: 'invalid_request' },
  { case: 'a NUL in the url', body: guestComment('hi', { thread: { url: `${ARTICLE_URL}\u0000` } }), status: 400, code: 'invalid_request' },
  { case: 'a lone surrogate', body: '{"thread":{"url":"https://blog.example/a"},"author":{"name":"A"},"body":"\\ud800"}', status: 400, code: 'invalid_request' },
  { case: 'invalid UTF-8 bytes', body: withBytes('{"thread":{"url":"https://blog.example/a"},"author":{"name":"A"},"body":"', [0xc3, 0x28], '"}'), status: 400, code: 'invalid_request' },
  { case: 'JSON nested a thousand deep', body: deepJson(1000), status: 400, code: 'invalid_request' },
  { case: 'JSON nested 30,000 deep', body: deepJson(30_000), status: 400, code: 'invalid_request' },
  { case: 'a body over 64 KiB', body: guestComment('x'.repeat(70 * 1024)), status: 413, code: 'payload_too_large' },
  { case: 'a status set by the client', body: guestComment('hi', { status: 'published' }), status: 400, code: 'invalid_request' },
  { case: 'a score set by the client', body: guestComment('hi', { score: 100 }), status: 400, code: 'invalid_request' },
  { case: 'an author id set by the client', body: guestComment('hi', { author: { name: 'A', id: UNKNOWN_ID } }), status: 400, code: 'invalid_request' },
  { case: 'a malformed parent id', body: guestComment('hi', { parentId: 'nope' }), status: 400, code: 'invalid_request' },
  { case: 'an unknown parent', body: guestComment('hi', { parentId: UNKNOWN_ID }), status: 404, code: 'parent_not_found' },
  { case: 'a parent on another page', body: null, status: 422, code: 'parent_not_in_thread' },
  { case: 'a foreign origin', body: guestComment('hi'), options: { origin: 'https://evil.example' }, status: 403, code: 'origin_not_allowed' },
  { case: 'a look-alike origin', body: guestComment('hi'), options: { origin: 'https://blog.example.evil.test' }, status: 403, code: 'origin_not_allowed' },
  { case: 'the null origin', body: guestComment('hi'), options: { origin: 'null' }, status: 403, code: 'origin_not_allowed' },
  { case: 'http for an https site', body: guestComment('hi'), options: { origin: 'http://blog.example' }, status: 403, code: 'origin_not_allowed' },
  { case: 'a page outside the site', body: guestComment('hi', { thread: { url: 'https://evil.example/a' } }), status: 422, code: 'url_not_allowed' },
  { case: 'a javascript: page url', body: guestComment('hi', { thread: { url: 'javascript:alert(1)' } }), status: 422, code: 'url_not_allowed' },
  { case: 'a one-character key hiding 20,000 combining marks', body: guestComment('hi', { thread: { url: ARTICLE_URL, key: MARKS } }), status: 400, code: 'invalid_request' },
  { case: 'a name hiding thousands of combining marks', body: guestComment('hi', { author: { name: MARKS.slice(0, 5000) } }), status: 400, code: 'invalid_request' },
  { case: 'a page URL of 1,900 kanji (17 kB encoded)', body: guestComment('hi', { thread: { url: `${ARTICLE_URL}/${'縁'.repeat(1900)}` } }), status: 422, code: 'url_not_allowed' },
  { case: 'an unknown site', body: guestComment('hi'), path: () => '/api/v1/sites/nosuchsite/comments', status: 404, code: 'site_not_found' },
]

forEachBackend((database) => {
  describe('refused writes', () => {
    it.each(cases)('refuses $case with $status $code and writes nothing', async ({ body, status, code, options, path }) => {
      const t = await startApp(database())
      const existing = await postGuest(t, 'already here')
      const other = await postGuest(t, 'elsewhere', { thread: { url: 'https://blog.example/other' } })
      const payload = body === null ? guestComment('hi', { parentId: other.id }) : body
      const before = { comments: await t.count('comments'), threads: await t.count('threads') }
      const target = path ? path(t, { id: existing.id, otherThreadId: other.id }) : `/api/v1/sites/${t.site.id}/comments`
      const res = await t.request('POST', target, payload, options)
      const json = await res.json()
      expect(res.status, JSON.stringify(json)).toBe(status)
      expect(json.error.code).toBe(code)
      expect(json.error.message).toEqual(expect.any(String))
      expect({ comments: await t.count('comments'), threads: await t.count('threads') }).toEqual(before)
      expect(res.headers.get('x-request-id')).toBeTruthy()
    })

    it.each([
      { case: 'a negative limit', query: 'limit=-1', code: 'invalid_request' },
      { case: 'a huge limit', query: 'limit=100000', code: 'invalid_request' },
      { case: 'a page of more than 1,000 comments', query: 'limit=100&replies=50', code: 'invalid_request' },
      { case: 'a fractional limit', query: 'limit=2.5', code: 'invalid_request' },
      { case: 'a non-numeric limit', query: 'limit=abc', code: 'invalid_request' },
      { case: 'a forged cursor', query: 'cursor=not-a-cursor', code: 'invalid_cursor' },
      { case: 'a cursor of other JSON', query: `cursor=${btoa('{"t":"page","sort":"oldest","seq":-5}').replace(/=+$/, '')}`, code: 'invalid_cursor' },
      { case: 'a huge cursor', query: `cursor=${'A'.repeat(30_000)}`, code: 'invalid_request' },
      { case: 'an unknown sort', query: 'sort=random', code: 'invalid_request' },
      { case: 'no key or url', query: '', code: 'invalid_request', noUrl: true },
      { case: 'a NUL in the key', query: 'key=a%00b', code: 'invalid_request', noUrl: true },
      { case: 'a malformed around', query: 'around=xyz', code: 'invalid_request' },
    ])('refuses to read with $case', async ({ query, code, noUrl }) => {
      const t = await startApp(database())
      await postGuest(t, 'hi')
      const url = noUrl ? '' : `url=${encodeURIComponent(ARTICLE_URL)}&`
      const res = await t.get(`/api/v1/sites/${t.site.id}/thread?${url}${query}`)
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe(code)
    })

    it('answers an unknown route and an unknown site with JSON 404s', async () => {
      const t = await startApp(database())
      const route = await t.get('/api/v1/nothing-here')
      expect(route.status).toBe(404)
      expect((await route.json()).error.code).toBe('not_found')
      const site = await t.get(`/api/v1/sites/nosuchsite/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(site.status).toBe(404)
      expect((await site.json()).error.code).toBe('site_not_found')
    })

    it('allows a request without Origin (a server or a script)', async () => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('from a script'), { origin: false })
      expect(res.status).toBe(201)
    })
  })
})
