import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, fromEngawa, PASSWORD, readerOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, readThread, postSignedIn } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'



const vote = (t: TestApp, token: string, id: string, value: number) =>
  t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${id}/vote`, { value }, { headers: bearer(token) })

forEachBackend((database) => {
  describe('your data', () => {
    it('refuses to delete the only owner of a site, and limits password guesses', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      await setSiteRole(t.db, t.site.id, hana.email, 'owner')
      const sole = await fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'keep', password: PASSWORD }, hana.cookie)
      expect(sole.status).toBe(409)
      expect((await sole.json()).error.message).toContain(t.site.name)
      const statuses: number[] = []
      for (let i = 0; i < 11; i++)
        statuses.push((await fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'keep', password: `guess ${i}` }, hana.cookie)).status)
      expect(statuses.slice(-1)).toEqual([429])
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, hana.cookie)).status).toBe(200)
    })

    it('exports everything held about the account, and nothing of anyone else', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ken = await readerOf(t, 'Ken')
      const mine = (await postSignedIn(t, hana.token, 'My **own** words')).id
      const theirs = (await postSignedIn(t, ken.token, 'Not hers')).id
      await vote(t, hana.token, theirs, 1)
      const follow = `/api/v1/sites/${t.site.id}/thread/subscription?url=${encodeURIComponent(ARTICLE_URL)}`
      for (const who of [hana, ken]) expect((await t.request('PUT', follow, {}, { headers: bearer(who.token) })).status).toBe(200)
      const res = await fromEngawa(t, 'GET', '/api/v1/me/export', undefined, hana.cookie)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-disposition')).toContain('attachment')
      const data = await res.json()
      expect(data.format).toBe('engawa-account-export/1')
      expect(data.account).toMatchObject({ email: hana.email, displayName: 'Hana', hasPassword: true })
      expect(data.comments).toEqual([expect.objectContaining({ id: mine, markdown: 'My **own** words', page: expect.objectContaining({ url: ARTICLE_URL }) })])
      expect(data.votes).toEqual([expect.objectContaining({ commentId: theirs, value: 1 })])
      expect(data.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
      expect(data.notifications).toEqual({
        replies: false,
        locale: 'en',
        follows: [{ siteId: t.site.id, page: expect.objectContaining({ url: ARTICLE_URL }), since: expect.any(String) }],
      })
      expect(JSON.stringify(data)).not.toContain('argon2')
      expect(JSON.stringify(data)).not.toContain('Not hers')
    })

    it('deletes the account and keeps its comments as from a deleted user, replies in place, votes off the score', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ken = await readerOf(t, 'Ken')
      const mine = (await postSignedIn(t, hana.token, 'Mine')).id
      const reply = (await postSignedIn(t, ken.token, 'A reply to Hana', { parentId: mine })).id
      await vote(t, hana.token, reply, 1)
      const refused = await fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'keep', password: 'wrong password' }, hana.cookie)
      expect(refused.status).toBe(401)
      const fromSite = await t.request('DELETE', '/api/v1/me', { comments: 'keep', password: PASSWORD }, { headers: bearer(hana.token) })
      expect(fromSite.status).toBe(403)
      expect((await t.get('/api/v1/me/export', { headers: bearer(hana.token) })).status).toBe(403)
      const gone = await fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'keep', password: PASSWORD }, hana.cookie)
      expect(gone.status).toBe(204)
      const page = await readThread(t)
      expect(page.comments[0].author).toEqual({ name: '', kind: 'reader', deleted: true })
      expect(page.comments[0].html).toContain('Mine')
      expect(page.comments[0].replies[0]).toMatchObject({ id: reply, score: 0 })
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, hana.cookie)).status).toBe(401)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email: hana.email, password: PASSWORD })).status).toBe(401)
      const left = await t.db.selectFrom('comments').select('author_user_id').where('id', '=', mine).executeTakeFirstOrThrow()
      expect(left.author_user_id).toBeNull()
    })

    it('deletes the account with its comments: a tombstone where others replied, nothing where they did not', async () => {
      const t = await startApp(database())
      const hana = await readerOf(t, 'Hana')
      const ken = await readerOf(t, 'Ken')
      const answered = (await postSignedIn(t, hana.token, 'Answered')).id
      await postSignedIn(t, hana.token, 'Alone')
      await postSignedIn(t, ken.token, 'Ken replies', { parentId: answered })
      await postGuest(t, 'A guest too')
      expect((await readThread(t)).thread.total).toBe(4)
      const gone = await fromEngawa(t, 'DELETE', '/api/v1/me', { comments: 'remove', password: PASSWORD }, hana.cookie)
      expect(gone.status).toBe(204)
      const page = await readThread(t)
      expect(page.thread.total).toBe(2)
      expect(page.comments).toHaveLength(2)
      expect(page.comments[0]).toMatchObject({ id: answered, status: 'deleted', author: null, html: '' })
      expect(page.comments[0].replies[0].html).toContain('Ken replies')
    })
  })
})
