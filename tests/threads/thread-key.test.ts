import { describe, expect, it } from 'vitest'
import { normalizeThreadUrl } from '../../src/threads/thread-key.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'

describe('normalizeThreadUrl', () => {
  it.each([
    { case: 'an upper-case scheme and host', input: 'HTTPS://Blog.Example/Posts/A', url: 'https://blog.example/Posts/A' },
    { case: 'the default https port', input: 'https://blog.example:443/a', url: 'https://blog.example/a' },
    { case: 'the default http port', input: 'http://blog.example:80/a', url: 'http://blog.example/a' },
    { case: 'a non-default port', input: 'https://blog.example:8443/a', url: 'https://blog.example:8443/a' },
    { case: "https's port on http", input: 'http://blog.example:443/a', url: 'http://blog.example:443/a' },
    { case: 'a fragment', input: 'https://blog.example/a#comment-3', url: 'https://blog.example/a' },
    { case: 'utm_* parameters', input: 'https://blog.example/a?utm_source=x&utm_medium=y&utm_campaign=z', url: 'https://blog.example/a' },
    { case: 'an upper-case UTM parameter', input: 'https://blog.example/a?UTM_Campaign=x&id=3', url: 'https://blog.example/a?id=3' },
    { case: 'click ids', input: 'https://blog.example/a?fbclid=1&gclid=2&msclkid=3&p=2', url: 'https://blog.example/a?p=2' },
    { case: 'mail and analytics ids', input: 'https://blog.example/a?_ga=1&mc_cid=2&mc_eid=3&ref=hn', url: 'https://blog.example/a?ref=hn' },
    { case: 'unsorted parameters', input: 'https://blog.example/a?b=2&a=1&c=3', url: 'https://blog.example/a?a=1&b=2&c=3' },
    { case: 'a repeated parameter', input: 'https://blog.example/a?a=2&a=1', url: 'https://blog.example/a?a=2&a=1' },
    { case: 'parameter names differing in case', input: 'https://blog.example/a?q=2&Q=1', url: 'https://blog.example/a?Q=1&q=2' },
    { case: 'an empty query', input: 'https://blog.example/a?', url: 'https://blog.example/a' },
    { case: 'a trailing slash', input: 'https://blog.example/a/', url: 'https://blog.example/a' },
    { case: 'two trailing slashes', input: 'https://blog.example/a//', url: 'https://blog.example/a' },
    { case: 'the root', input: 'https://blog.example/', url: 'https://blog.example/' },
    { case: 'no path at all', input: 'https://blog.example', url: 'https://blog.example/' },
    { case: 'a slash, tracking and a fragment at once', input: 'https://blog.example/a/?utm_source=x#top', url: 'https://blog.example/a' },
    { case: 'path case', input: 'https://blog.example/A/', url: 'https://blog.example/A' },
    { case: 'credentials', input: 'https://user:secret@blog.example/a', url: 'https://blog.example/a' },
    { case: 'an IDN host', input: 'https://bücher.example/a', url: 'https://xn--bcher-kva.example/a' },
    { case: 'an upper-case IDN host', input: 'https://BÜCHER.example/a', url: 'https://xn--bcher-kva.example/a' },
    { case: 'a punycode host', input: 'https://xn--bcher-kva.example/a', url: 'https://xn--bcher-kva.example/a' },
    { case: 'a percent-encoded path', input: 'https://blog.example/%E7%B8%81', url: 'https://blog.example/%E7%B8%81' },
    { case: 'a raw non-ASCII path', input: 'https://blog.example/縁', url: 'https://blog.example/%E7%B8%81' },
    { case: 'an encoded slash', input: 'https://blog.example/a%2Fb', url: 'https://blog.example/a%2Fb' },
    { case: 'a percent-encoded value', input: 'https://blog.example/a?q=%7E', url: 'https://blog.example/a?q=%7E' },
    { case: 'surrounding spaces', input: '  https://blog.example/a  ', url: 'https://blog.example/a' },
    { case: 'an IPv6 host with port', input: 'http://[::1]:8080/a/', url: 'http://[::1]:8080/a' },
    { case: 'ftp', input: 'ftp://blog.example/a', url: undefined },
    { case: 'javascript:', input: 'javascript:alert(1)', url: undefined },
    { case: 'mailto:', input: 'mailto:aki@blog.example', url: undefined },
    { case: 'data:', input: 'data:text/html,hi', url: undefined },
    { case: 'file:', input: 'file:///etc/passwd', url: undefined },
    { case: 'a relative path', input: '/posts/a', url: undefined },
    { case: 'a host without scheme', input: 'blog.example/a', url: undefined },
    { case: 'a scheme without host', input: 'https://', url: undefined },
    { case: 'an empty string', input: '', url: undefined },
    { case: 'garbage', input: 'not a url', url: undefined },
  ])('normalises $case', ({ input, url }) => {
    expect(normalizeThreadUrl(input)).toBe(url)
  })
})

const PAGE = 'https://blog.example/posts/kyoto'

forEachBackend((database) => {
  describe('thread keys over HTTP', () => {
    it('puts the variants of one URL in one thread', async () => {
      const t = await startApp(database())
      const variants = [
        `${PAGE}?utm_source=mastodon&fbclid=abc`,
        'https://BLOG.example/posts/kyoto/',
        `${PAGE}#comment-1`,
        'https://blog.example:443/posts/kyoto/?gclid=1#top',
      ]
      for (const [i, url] of variants.entries()) await postGuest(t, `comment ${i}`, { thread: { url } })
      expect(await t.count('threads')).toBe(1)
      for (const url of [PAGE, ...variants]) {
        const page = await readThread(t, { url })
        expect(page.thread).toMatchObject({ key: PAGE, url: PAGE, total: 4 })
        expect(page.comments).toHaveLength(4)
      }
    })

    it('lets the embed key win over the URL', async () => {
      const t = await startApp(database())
      await postGuest(t, 'first', { thread: { key: 'post-42', url: 'https://blog.example/2026/06/kyoto' } })
      await postGuest(t, 'second', { thread: { key: 'post-42', url: 'https://blog.example/kyoto-renamed' } })
      await postGuest(t, 'elsewhere', { thread: { url: 'https://blog.example/kyoto-renamed' } })
      expect(await t.count('threads')).toBe(2)
      const page = await readThread(t, { key: 'post-42' })
      expect(page.thread).toMatchObject({ key: 'post-42', url: 'https://blog.example/2026/06/kyoto', total: 2 })
      expect(page.comments.map((c: { html: string }) => c.html)).toEqual(['<p>first</p>', '<p>second</p>'])
    })

    it.each([
      { case: 'a foreign origin', url: 'https://evil.test/posts/kyoto' },
      { case: 'a look-alike subdomain', url: 'https://blog.example.evil.test/x' },
      { case: 'a look-alike with credentials', url: 'https://blog.example@evil.test/x' },
      { case: 'http when only https is allowed', url: 'http://blog.example/x' },
      { case: 'another port', url: 'https://blog.example:8443/x' },
      { case: 'a subdomain', url: 'https://www.blog.example/x' },
      { case: 'a javascript: URL', url: 'javascript:alert(1)' },
      { case: 'a relative URL', url: '/posts/kyoto' },
    ])('refuses $case on POST and GET and writes nothing', async ({ url }) => {
      const t = await startApp(database())
      for (const thread of [{ url }, { key: 'post-42', url }]) {
        const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hi', { thread }))
        expect(res.status).toBe(422)
        expect((await res.json()).error.code).toBe('url_not_allowed')
      }
      const res = await t.get(`/api/v1/sites/${t.site.id}/thread?${new URLSearchParams({ url })}`)
      expect(res.status).toBe(422)
      expect((await res.json()).error.code).toBe('url_not_allowed')
      expect(await t.count('threads')).toBe(0)
      expect(await t.count('comments')).toBe(0)
    })

    it('answers an unknown page with an empty page and creates no thread', async () => {
      const t = await startApp(database())
      const queries: Array<Record<string, string>> = [{ url: 'https://blog.example/posts/none' }, { key: 'post-none' }]
      for (const query of queries) {
        const page = await readThread(t, query)
        expect(page).toEqual({ thread: null, comments: [], nextCursor: null })
      }
      expect(await t.count('threads')).toBe(0)
    })
  })
})
