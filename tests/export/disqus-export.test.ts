import { DOMParser, type Element } from '@xmldom/xmldom'
import { describe, expect, it } from 'vitest'
import { fromEngawa } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'
import { HELD_WORD, LOCKED_URL, seedSite } from './seed.ts'

const DISQUS = 'http://disqus.com'
const DSQ = 'http://disqus.com/disqus-internals'

/** Parses strictly: any well-formedness error (or a warning) fails the test. */
function parseStrictly(xml: string) {
  return new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`)
    },
  }).parseFromString(xml, 'application/xml')
}

const children = (el: Element, name: string) =>
  Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === DISQUS && (n as Element).localName === name)
const one = (el: Element, name: string) => {
  const found = children(el, name)
  expect(found, name).toHaveLength(1)
  return found[0]!
}
const textOf = (el: Element, name: string) => one(el, name).textContent
const refOf = (el: Element, name: string) => children(el, name)[0]?.getAttributeNS(DSQ, 'id') ?? null

forEachBackend((database) => {
  describe('Disqus-compatible export', () => {
    it('writes threads and posts as Disqus does, well-formed XML whatever the comments say', async () => {
      const t = await startApp(database(), { site: { blockedWords: [HELD_WORD] } })
      const { owner, ids } = await seedSite(t)
      const res = await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/export?format=disqus`, undefined, owner.cookie)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8')
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="engawa-[a-z0-9]+-\d{4}-\d\d-\d\d-disqus\.xml"$/)
      const doc = parseStrictly(await res.text())
      const root = doc.documentElement!
      expect([root.namespaceURI, root.localName]).toEqual([DISQUS, 'disqus'])

      const threads = children(root, 'thread').map((th) => ({
        dsqId: th.getAttributeNS(DSQ, 'id'),
        id: textOf(th, 'id'),
        link: textOf(th, 'link'),
        title: textOf(th, 'title'),
        createdAt: textOf(th, 'createdAt'),
        isClosed: textOf(th, 'isClosed'),
      }))
      expect(threads).toHaveLength(2)
      const locked = threads.find((th) => th.link === LOCKED_URL)
      expect(locked).toMatchObject({ id: 'closed-note', title: 'Closed note', isClosed: 'true' })
      expect(threads.find((th) => th.link !== LOCKED_URL)).toMatchObject({ title: 'Japan and AI training data', isClosed: 'false' })
      for (const th of threads) expect(th.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

      const posts = new Map(
        children(root, 'post').map((p) => {
          const author = one(p, 'author')
          return [
            p.getAttributeNS(DSQ, 'id'),
            {
              message: textOf(p, 'message'),
              createdAt: textOf(p, 'createdAt'),
              isDeleted: textOf(p, 'isDeleted'),
              isSpam: textOf(p, 'isSpam'),
              isApproved: textOf(p, 'isApproved'),
              author: { name: textOf(author, 'name'), email: children(author, 'email')[0]?.textContent ?? null, isAnonymous: textOf(author, 'isAnonymous') },
              thread: refOf(p, 'thread'),
              parent: refOf(p, 'parent'),
            },
          ]
        }),
      )
      expect(posts.size).toBe(Object.keys(ids).length)
      expect(posts.get(ids.edited)).toMatchObject({ parent: null, isDeleted: 'false', isSpam: 'false', author: { name: 'Aki', email: 'aki@mail.example', isAnonymous: 'true' } })
      expect(posts.get(ids.edited)?.message).toContain('<strong>bold</strong>')
      expect(posts.get(ids.reply)).toMatchObject({ parent: ids.edited, message: '<p>日本語の返信です。よろしくお願いします。</p>', author: { name: 'Hana 花', email: null, isAnonymous: 'false' } })
      expect(posts.get(ids.deepReply)?.parent).toBe(ids.reply)
      expect(posts.get(ids.hidden)).toMatchObject({ isDeleted: 'true' })
      expect(posts.get(ids.removed)).toMatchObject({ isDeleted: 'true', message: '' })
      expect(posts.get(ids.pending)).toMatchObject({ isDeleted: 'false', isApproved: 'false' })
      expect(posts.get(ids.onLocked)?.thread).toBe(locked?.dsqId)
      // `]]>` split across CDATA sections, the control character dropped, the rest intact.
      const hostile = posts.get(ids.hostile)
      expect(hostile?.message).toContain(']]&gt; &amp; &lt;b&gt;tags&lt;/b&gt;  control')
      expect(hostile?.message).toContain('絵文字 🎌')
      expect(hostile?.author.name).toBe('Ren <&>')
    })

    it('keeps any text well-formed: CDATA ends and control characters in any field', async () => {
      const t = await startApp(database())
      const { owner } = await seedSite(t)
      await t.db
        .updateTable('comments')
        .set({ body_html: '<p>]]>]]]]><![CDATA[ \u0008\u000b\ufffe end ]]</p>', author_name: 'Name ]]> \u0007' })
        .where('site_id', '=', t.site.id)
        .execute()
      await t.db.updateTable('threads').set({ title: 'Title \u0001 <&> ]]>' }).where('site_id', '=', t.site.id).execute()
      const res = await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/export?format=disqus`, undefined, owner.cookie)
      const root = parseStrictly(await res.text()).documentElement!
      const post = children(root, 'post')[0]!
      expect(textOf(post, 'message')).toBe('<p>]]>]]]]><![CDATA[  end ]]</p>')
      expect(textOf(one(post, 'author'), 'name')).toBe('Name ]]> ')
      expect(textOf(children(root, 'thread')[0]!, 'title')).toBe('Title  <&> ]]>')
    })
  })
})
