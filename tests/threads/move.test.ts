import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { fromEngawa, signUpAndVerify, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { SITE_ORIGIN, startApp, type TestApp } from '../helpers/harness.ts'

const post = async (t: TestApp, url: string, body: string, thread: Record<string, unknown> = {}) => {
  const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url, ...thread }, author: { name: 'Aki' }, body })
  expect(res.status).toBe(201)
  return (await res.json()).comment.id as string
}
const reply = async (t: TestApp, url: string, parentId: string, body: string) => {
  const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url }, author: { name: 'Ren' }, body, parentId })
  expect(res.status).toBe(201)
  return (await res.json()).comment.id as string
}
const read = async (t: TestApp, query: string) => (await t.get(`/api/v1/sites/${t.site.id}/thread?${query}`)).json()
const bodies = (page: { comments: Array<{ html: string; replies: Array<{ html: string }> }> }) =>
  page.comments.map((c) => [c.html.replace(/<\/?p>/g, ''), ...c.replies.map((r) => r.html.replace(/<\/?p>/g, ''))])

forEachBackend((database, backend) => {
  describe('moving and merging threads', () => {
    it('moves every thread under a URL prefix, after a dry run that lists them; keyed threads keep their key', async () => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const a = await post(t, `${SITE_ORIGIN}/blog/2024/a`, 'On a')
      await reply(t, `${SITE_ORIGIN}/blog/2024/a`, a, 'Reply on a')
      await post(t, `${SITE_ORIGIN}/blog/2024/b`, 'On b')
      await post(t, `${SITE_ORIGIN}/blog/2024/c`, 'On c, keyed', { key: 'post-c' })
      await post(t, `${SITE_ORIGIN}/blog/2023/z`, 'Elsewhere')
      const move = (extra: Record<string, unknown>) =>
        fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/move`, { from: `${SITE_ORIGIN}/blog/2024/`, to: `${SITE_ORIGIN}/posts/`, prefix: true, ...extra }, cookie)
      const dry = await (await move({ dryRun: true })).json()
      expect(dry.applied).toBe(false)
      expect(dry.moves.map((m: { newUrl: string; newKey: string }) => [m.newUrl, m.newKey])).toEqual([
        [`${SITE_ORIGIN}/posts/a`, `${SITE_ORIGIN}/posts/a`],
        [`${SITE_ORIGIN}/posts/b`, `${SITE_ORIGIN}/posts/b`],
        [`${SITE_ORIGIN}/posts/c`, 'post-c'],
      ])
      expect(bodies(await read(t, `url=${encodeURIComponent(`${SITE_ORIGIN}/blog/2024/a`)}`))).toEqual([['On a', 'Reply on a']])
      expect((await (await move({})).json()).applied).toBe(true)
      expect(bodies(await read(t, `url=${encodeURIComponent(`${SITE_ORIGIN}/posts/a`)}`))).toEqual([['On a', 'Reply on a']])
      expect((await read(t, `url=${encodeURIComponent(`${SITE_ORIGIN}/blog/2024/a`)}`)).thread).toBeNull()
      expect((await read(t, 'key=post-c')).thread.url).toBe(`${SITE_ORIGIN}/posts/c`)
      expect((await read(t, `url=${encodeURIComponent(`${SITE_ORIGIN}/blog/2023/z`)}`)).thread.total).toBe(1)
    })

    it('refuses a move onto an existing thread, moving nothing, and merges the two in date order with their trees intact', async () => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const oldUrl = `${SITE_ORIGIN}/old`
      const newUrl = `${SITE_ORIGIN}/new`
      const old = await post(t, oldUrl, 'On the old page')
      t.clock.advance(1000)
      const first = await post(t, newUrl, 'Already on the new page')
      t.clock.advance(1000)
      await reply(t, oldUrl, old, 'A reply on the old page')
      const refused = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/move`, { from: oldUrl, to: newUrl }, cookie)
      expect(refused.status).toBe(409)
      expect((await read(t, `url=${encodeURIComponent(oldUrl)}`)).thread.total).toBe(2)
      const merged = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/merge`, { from: oldUrl, into: newUrl }, cookie)
      expect(await merged.json()).toEqual({ moved: 2 })
      const page = await read(t, `url=${encodeURIComponent(newUrl)}`)
      expect(page.thread.total).toBe(3)
      expect(page.comments.map((c: { id: string }) => c.id)).toEqual([old, first])
      expect(bodies(page)).toEqual([['On the old page', 'A reply on the old page'], ['Already on the new page']])
      expect((await read(t, `url=${encodeURIComponent(oldUrl)}`)).thread).toBeNull()
      // New comments keep counting on from the merged thread's positions.
      const later = await post(t, newUrl, 'After the merge')
      expect((await read(t, `url=${encodeURIComponent(newUrl)}`)).comments.at(-1).id).toBe(later)
      const audit = await t.db.selectFrom('moderation_actions').select('action').where('site_id', '=', t.site.id).execute()
      expect(audit.map((a) => a.action)).toEqual(['merge'])
    })

    // Only the server runs two transactions at once: PGlite has one connection.
    if (backend === 'postgres')
      it('merges while a reply is being posted under one of its comments, without a deadlock', async () => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const [oldUrl, newUrl] = [`${SITE_ORIGIN}/old`, `${SITE_ORIGIN}/new`]
      const old = await post(t, oldUrl, 'On the old page')
      await post(t, newUrl, 'On the new page')
      let merged: Promise<Response> | undefined
      // A post locks its parent, then its thread; here one does so by hand, with the merge in between.
      await t.db.transaction().execute(async (trx) => {
        await sql`select id from comments where site_id = ${t.site.id} and id = ${old} for update`.execute(trx)
        merged = fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/merge`, { from: oldUrl, into: newUrl }, cookie)
        await expect
          .poll(async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db)).rows[0]?.n)
          .toBe(1)
        await sql`update threads set version = version + 1 where site_id = ${t.site.id} and key = ${oldUrl}`.execute(trx)
      })
      expect((await merged)?.status).toBe(200)
      expect((await read(t, `url=${encodeURIComponent(newUrl)}`)).thread.total).toBe(2)
    })

    it('refuses a prefix move that would land two threads on one address, moving nothing', async () => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      // Two threads whose new addresses normalise to one:
      await post(t, `${SITE_ORIGIN}/p/a`, 'a')
      await post(t, `${SITE_ORIGIN}/p/a/b`, 'b')
      const clash = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/move`, { from: `${SITE_ORIGIN}/p/a`, to: `${SITE_ORIGIN}/q#`, prefix: true }, cookie)
      expect(clash.status).toBe(409)
      expect((await read(t, `url=${encodeURIComponent(`${SITE_ORIGIN}/p/a/b`)}`)).thread.total).toBe(1)
    })

    it('lets only owners move or merge', async () => {
      const t = await startApp(database())
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      await post(t, `${SITE_ORIGIN}/x`, 'Stay')
      const res = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/move`, { from: `${SITE_ORIGIN}/x`, to: `${SITE_ORIGIN}/y` }, mod.cookie)
      expect(res.status).toBe(403)
      expect((await read(t, `url=${encodeURIComponent(`${SITE_ORIGIN}/x`)}`)).thread.total).toBe(1)
    })
  })
})
