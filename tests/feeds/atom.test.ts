import { DOMParser, type Element } from '@xmldom/xmldom'
import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

const ATOM = 'http://www.w3.org/2005/Atom'

/** Parses strictly (a well-formedness error fails the test) and checks what RFC 4287 requires. */
function parseAtom(xml: string) {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`)
    },
  }).parseFromString(xml, 'application/xml')
  const feed = doc.documentElement!
  expect(feed.namespaceURI).toBe(ATOM)
  expect(feed.localName).toBe('feed')
  const child = (el: Element, name: string) => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ATOM && (n as Element).localName === name)
  const one = (el: Element, name: string) => {
    const found = child(el, name)
    expect(found, name).toHaveLength(1)
    return found[0]!
  }
  const isDate = (s: string | null) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s ?? '')
  for (const name of ['id', 'title', 'updated']) one(feed, name)
  expect(isDate(one(feed, 'updated').textContent)).toBe(true)
  expect(child(feed, 'link').some((l) => l.getAttribute('rel') === 'self')).toBe(true)
  const entries = child(feed, 'entry').map((entry) => {
    for (const name of ['id', 'title', 'updated', 'author', 'content']) one(entry, name)
    expect(isDate(one(entry, 'updated').textContent)).toBe(true)
    expect(one(entry, 'id').textContent).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(one(one(entry, 'author'), 'name').textContent).not.toBe('')
    return {
      id: one(entry, 'id').textContent?.slice('urn:uuid:'.length),
      author: one(one(entry, 'author'), 'name').textContent,
      html: one(entry, 'content').textContent,
      link: child(entry, 'link')[0]?.getAttribute('href'),
    }
  })
  return { title: one(feed, 'title').textContent, self: child(feed, 'link').find((l) => l.getAttribute('rel') === 'self')?.getAttribute('href'), entries }
}

const feedOf = async (t: TestApp, query = '') => {
  const res = await t.get(`/api/v1/sites/${t.site.id}/feed.atom${query}`, { origin: false })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
  return parseAtom(await res.text())
}

forEachBackend((database) => {
  describe('Atom feeds', () => {
    it("lists a page's newest visible comments, newest first, valid per RFC 4287 whatever they say", async () => {
      const t = await startApp(database())
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const first = await postGuest(t, 'First, with <b>tags</b> & **bold** and a control \u0001 character', { author: { name: 'Aki & <Ren>' } })
      t.clock.advance(1000)
      const hidden = await postGuest(t, 'Hidden later')
      t.clock.advance(1000)
      const last = await postGuest(t, '日本語のコメント')
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${hidden.id}`, { action: 'hide' }, mod.cookie)
      const feed = await feedOf(t, `?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(feed.title).toBe('Comments on Japan and AI training data')
      expect(feed.self).toBe(`http://127.0.0.1:8787/api/v1/sites/${t.site.id}/feed.atom?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(feed.entries.map((e) => e.id)).toEqual([last.id, first.id])
      expect(feed.entries[1]).toMatchObject({ author: 'Aki & <Ren>', link: `${ARTICLE_URL}#engawa-comment-${first.id}` })
      expect(feed.entries[1]?.html).toContain('&lt;b&gt;tags&lt;/b&gt; &amp; <strong>bold</strong>')
      expect(feed.entries[0]?.html).toBe('<p>日本語のコメント</p>')
    })

    it("lists the whole site's newest comments, and answers an empty feed for a page without comments", async () => {
      const t = await startApp(database(), { site: { name: 'Field notes' } })
      await postGuest(t, 'On the article')
      await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: `${t.site.origin}/another` }, author: { name: 'Ren' }, body: 'Elsewhere' })
      const site = await feedOf(t)
      expect(site.title).toBe('Comments on Field notes')
      expect(site.entries).toHaveLength(2)
      const empty = await feedOf(t, `?url=${encodeURIComponent(`${t.site.origin}/quiet`)}`)
      expect(empty.entries).toEqual([])
      expect((await t.get(`/api/v1/sites/${t.site.id}/feed.atom?url=${encodeURIComponent('https://evil.example/')}`, { origin: false })).status).toBe(422)
    })
  })
})
