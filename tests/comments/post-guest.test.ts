import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('posting as a guest', () => {
    it('creates the thread with the first comment and answers 201 with an edit token', async () => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('Hello *world*'))
      expect(res.status).toBe(201)
      const json = await res.json()
      expect(json.comment).toMatchObject({
        parentId: null,
        depth: 0,
        author: { name: 'Aki' },
        html: '<p>Hello <em>world</em></p>',
        status: 'published',
        score: 0,
        replyCount: 0,
        editedAt: null,
      })
      expect(json.editToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
      const page = await readThread(t)
      expect(page.thread).toMatchObject({ url: ARTICLE_URL, title: 'Japan and AI training data', total: 1, locked: false })
      expect(page.comments.map((c: { id: string }) => c.id)).toEqual([json.comment.id])
    })

    it.each([
      { case: 'four spaces', body: '\n  \n    const a = 1\n    const b = 2\n\n  \n' },
      { case: 'a tab', body: '\n\tconst a = 1\n\tconst b = 2   ' },
    ])('keeps a code block indented by $case on the first line, dropping only blank lines at the ends', async ({ body }) => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body))
      const json = await res.json()
      expect(json.comment.html).toBe('<pre><code>const a = 1\nconst b = 2\n</code></pre>')
      const stored = await t.db.selectFrom('comments').select('body_source').where('site_id', '=', t.site.id).executeTakeFirstOrThrow()
      expect(stored.body_source).toBe(body.replace(/^(\s*\n)+/, '').trimEnd())
      const edited = await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${json.comment.id}`, { body }, { headers: { 'x-edit-token': json.editToken } })
      expect((await edited.json()).comment.html).toBe('<pre><code>const a = 1\nconst b = 2\n</code></pre>')
      const preview = await t.post('/api/v1/preview', { body })
      expect((await preview.json()).html).toBe('<pre><code>const a = 1\nconst b = 2\n</code></pre>')
    })

    it('trims the name and never shows the email', async () => {
      const t = await startApp(database())
      const res = await t.post(
        `/api/v1/sites/${t.site.id}/comments`,
        guestComment('hi', { author: { name: '  Ren  ', email: 'Ren@Example.com' } }),
      )
      const json = await res.json()
      expect(json.comment.author).toEqual({ name: 'Ren', kind: 'guest', hue: expect.any(Number) })
      const page = await readThread(t)
      expect(JSON.stringify(page)).not.toContain('example.com')
      const stored = await t.db.selectFrom('comments').select('author_email').where('site_id', '=', t.site.id).executeTakeFirstOrThrow()
      expect(stored.author_email).toBe('ren@example.com')
    })

    it('counts a 50-character name in characters as a reader sees them', async () => {
      const t = await startApp(database())
      await postGuest(t, 'hi', { author: { name: '縁'.repeat(49) + '👨‍👩‍👧' } })
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hi', { author: { name: '縁'.repeat(51) } }))
      expect(res.status).toBe(400)
    })

    it('nests a reply under its parent and counts it', async () => {
      const t = await startApp(database())
      const parent = await postGuest(t, 'parent')
      const reply = await postGuest(t, 'reply', { parentId: parent.id })
      const page = await readThread(t)
      expect(page.thread.total).toBe(2)
      expect(page.comments).toHaveLength(1)
      expect(page.comments[0]).toMatchObject({ id: parent.id, replyCount: 1 })
      expect(page.comments[0].replies[0]).toMatchObject({ id: reply.id, parentId: parent.id, depth: 1 })
    })
  })
})
