import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createApiToken } from '../../src/auth/api-tokens.ts'
import { parseConfig } from '../../src/config.ts'
import { bearer, fromEngawa, ENGAWA_ORIGIN, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

// Sites themselves, without a terminal: created by instance admins (and whom the operator
// allows), deleted by their owners after typing the name, in one transaction.
forEachBackend((database) => {
  async function adminOf(t: TestApp, name: string) {
    const a = await readerOf(t, name)
    await t.db.updateTable('users').set({ is_instance_admin: true }).where('id', '=', a.user.id).execute()
    return a
  }
  const siteCount = async (t: TestApp) => Number((await t.db.selectFrom('sites').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  describe('creating a site', () => {
    it('lets an instance admin create one, as its owner, with the embed code and an audit entry', async () => {
      const t = await startApp(database())
      const admin = await adminOf(t, 'Ada')
      const res = await fromEngawa(t, 'POST', '/api/v1/admin/sites', { name: 'Field notes', origins: ['https://notes.example', 'https://www.notes.example/'] }, admin.cookie)
      expect(res.status).toBe(201)
      const site = await res.json()
      expect(site).toMatchObject({ name: 'Field notes', origins: ['https://notes.example', 'https://www.notes.example'] })
      expect(site.embedCode).toContain(`src="${ENGAWA_ORIGIN}/embed.js" data-site="${site.id}"`)
      const list = await (await fromEngawa(t, 'GET', '/api/v1/admin/sites', undefined, admin.cookie)).json()
      expect(list.mayCreate).toBe(true)
      expect(list.sites).toContainEqual({ id: site.id, name: 'Field notes' })
      const member = await t.db.selectFrom('site_members').select('role').where('site_id', '=', site.id).where('user_id', '=', admin.user.id).executeTakeFirst()
      expect(member?.role).toBe('owner')
      const audit = await t.db.selectFrom('moderation_actions').select(['action', 'reason']).where('site_id', '=', site.id).execute()
      expect(audit).toEqual([{ action: 'create', reason: 'Created with https://notes.example, https://www.notes.example' }])
      // Its pages can load comments at once.
      const read = await t.get(`/api/v1/sites/${site.id}/thread?url=${encodeURIComponent('https://notes.example/a')}`, { origin: 'https://notes.example' })
      expect(read.status).toBe(200)
    })

    it('refuses other accounts unless SITE_CREATORS names them, and refuses API tokens', async () => {
      const t = await startApp(database())
      const reader = await readerOf(t, 'Rei')
      const body = { name: 'Mine', origins: ['https://mine.example'] }
      const before = await siteCount(t)
      const refused = await fromEngawa(t, 'POST', '/api/v1/admin/sites', body, reader.cookie)
      expect(refused.status).toBe(403)
      expect((await refused.json()).error.message).toContain('SITE_CREATORS')
      expect((await (await fromEngawa(t, 'GET', '/api/v1/admin/sites', undefined, reader.cookie)).json()).mayCreate).toBe(false)
      const owner = await staffOf(t, 'Olive', 'owner')
      const { token } = await createApiToken(t.db, { siteId: t.site.id, name: 'script', scope: 'admin', createdBy: owner.user.id, expiresAt: null }, t.clock.now())
      expect((await t.request('POST', '/api/v1/admin/sites', body, { origin: false, headers: bearer(token) })).status).toBeGreaterThanOrEqual(401)
      expect(await siteCount(t)).toBe(before)

      const domain = reader.email.slice(reader.email.indexOf('@'))
      for (const creators of ['accounts', `someone@else.example,${domain}`]) {
        const open = await startApp(database(), { db: t.db, config: { siteCreators: parseConfig({ SITE_CREATORS: creators }).siteCreators } })
        expect((await fromEngawa(open, 'POST', '/api/v1/admin/sites', body, reader.cookie)).status).toBe(201)
      }
      const other = await startApp(database(), { db: t.db, config: { siteCreators: parseConfig({ SITE_CREATORS: 'someone@else.example' }).siteCreators } })
      expect((await fromEngawa(other, 'POST', '/api/v1/admin/sites', body, reader.cookie)).status).toBe(403)
      expect(() => parseConfig({ SITE_CREATORS: 'everyone!' })).toThrow(/SITE_CREATORS/)
    })

    it.each([
      { case: 'no origin', body: { name: 'X', origins: [] } },
      { case: 'an origin that is not one', body: { name: 'X', origins: ['ftp://x.example'] } },
      { case: 'no name', body: { name: ' ', origins: ['https://x.example'] } },
      { case: 'an unknown field', body: { name: 'X', origins: ['https://x.example'], owner: 'me' } },
    ])('refuses $case with a 400, creating nothing', async ({ body }) => {
      const t = await startApp(database())
      const admin = await adminOf(t, 'Ada')
      const before = await siteCount(t)
      const res = await fromEngawa(t, 'POST', '/api/v1/admin/sites', body, admin.cookie)
      expect(res.status).toBe(400)
      expect((await res.json()).error.message).toBeTruthy()
      expect(await siteCount(t)).toBe(before)
    })
  })

  describe('deleting a site', () => {
    const siteTables = async (t: TestApp) =>
      (
        await sql<{ table_name: string }>`select table_name from information_schema.columns where column_name = 'site_id' and table_schema = current_schema()
          and table_name not in ('site_deletions')`.execute(t.db)
      ).rows.map((r) => r.table_name)
    const leftOf = async (t: TestApp, siteId: string) => {
      const left: Record<string, number> = {}
      for (const table of await siteTables(t)) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where site_id = ${siteId}`.execute(t.db)
        if ((rows[0]?.n ?? 0) > 0) left[table] = rows[0]?.n ?? 0
      }
      return left
    }

    it('asks for the name typed, then deletes everything of the site in one go and records it outside', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      const moderator = await staffOf(t, 'Mo', 'moderator')
      const first = await postGuest(t, 'first')
      await postGuest(t, 'a reply', { parentId: first.id })
      await t.post(`/api/v1/sites/${t.site.id}/comments/${first.id}/reports`, { reason: 'spam' })
      expect(Object.keys(await leftOf(t, t.site.id)).length).toBeGreaterThan(3)
      const path = `/api/v1/admin/sites/${t.site.id}`

      expect((await fromEngawa(t, 'DELETE', path, { name: t.site.name }, moderator.cookie)).status).toBe(403)
      const unconfirmed = await fromEngawa(t, 'DELETE', path, { name: 'not its name' }, owner.cookie)
      expect(unconfirmed.status).toBe(409)
      expect((await unconfirmed.json()).error.message).toContain(t.site.name)
      const { token } = await createApiToken(t.db, { siteId: t.site.id, name: 'script', scope: 'admin', createdBy: owner.user.id, expiresAt: null }, t.clock.now())
      expect((await t.request('DELETE', path, { name: t.site.name }, { origin: false, headers: bearer(token) })).status).toBe(403)
      expect(await t.count('comments')).toBe(2)

      const res = await fromEngawa(t, 'DELETE', path, { name: t.site.name }, owner.cookie)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ deleted: { threads: 1, comments: 2 } })
      expect(await leftOf(t, t.site.id)).toEqual({})
      const record = await t.db.selectFrom('site_deletions').selectAll().where('site_id', '=', t.site.id).execute()
      expect(record).toMatchObject([{ name: t.site.name, origins: t.site.allowed_origins, actor_user_id: owner.user.id, by_operator: false, threads: 1, comments: 2 }])
      const read = await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(ARTICLE_URL)}`)
      expect(read.status).toBe(404)
      expect((await fromEngawa(t, 'DELETE', path, { name: t.site.name }, owner.cookie)).status).toBe(404)
    })

    it('leaves the site whole when the deletion fails part way', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive', 'owner')
      await postGuest(t, 'kept')
      // The last step (the row in `sites`) fails; the record written before it must go too.
      await sql`create or replace function refuse_site_delete() returns trigger language plpgsql as $$
        begin if old.id = ${sql.lit(t.site.id)} then raise exception 'refused for the test'; end if; return old; end $$`.execute(t.db)
      await sql`create trigger refuse_site_delete before delete on sites for each row execute function refuse_site_delete()`.execute(t.db)
      try {
        const res = await fromEngawa(t, 'DELETE', `/api/v1/admin/sites/${t.site.id}`, { name: t.site.name }, owner.cookie)
        expect(res.status).toBe(500)
      } finally {
        await sql`drop trigger refuse_site_delete on sites`.execute(t.db)
      }
      expect(await t.count('comments')).toBe(1)
      expect(await t.db.selectFrom('site_deletions').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
    })
  })
})
