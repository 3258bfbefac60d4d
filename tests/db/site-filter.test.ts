import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { REFERENCE_TABLES } from '../../src/db/distribution.ts'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn, readThread } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

// The other half of "distributed by site without rework": every query that touches a
// distributed table says which site, once per table it names (a join between two of them meets
// on site_id), so Citus sends it to one node. Read from the statements a day of a site's life
// sends, through the API: readers, moderators, owners.

/** Where a statement names a table: after from, join, update, into. */
const named = (table: string) => new RegExp(`\\b(?:from|join|update|into)\\s+"${table}"(?![\\w"])`, 'gi')
/** A condition on site_id: equal to a value or another site_id, in a list, or as the first of a tuple in a list. */
const SITE_CONDITION = /"?site_id"?\s*(?:=|in\s*\(|is not distinct from)|\(\s*"?site_id"?\s*,[^()]*\)\s*in\b/gi

forEachBackend((database) => {
  describe('queries on distributed tables', () => {
    it('each say which site, for each distributed table they name', { timeout: 120_000 }, async () => {
      const db = database()
      const t = await startApp(db, { site: { reactions: 'everyone', publicProfiles: true } })
      const tables = await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'`.execute(db.db)
      const distributed = tables.rows.map((r) => r.name).filter((name) => !(REFERENCE_TABLES as readonly string[]).includes(name))
      const from = db.statements.length

      // Readers: guests and accounts post, reply, mention, vote, react, read, follow; their inbox and profile.
      const owner = await staffOf(t, 'Owner', 'owner')
      const mod = await staffOf(t, 'Mod')
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren')
      const first = await postSignedIn(t, hana.token, 'A first thought.', { notify: 'replies', locale: 'en' })
      const reply = await postSignedIn(t, ren.token, '@Hana I agree.', { parentId: first.id })
      const guest = await postGuest(t, 'A guest’s view.')
      await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${first.id}/vote`, { value: 1 }, { headers: bearer(ren.token) })
      await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${first.id}/reactions/heart`, undefined, { headers: bearer(ren.token) })
      await t.request('PUT', `/api/v1/sites/${t.site.id}/comments/${guest.id}/reactions/eyes`)
      await t.get(`/api/v1/sites/${t.site.id}/comments/${first.id}/reactions`, { headers: bearer(hana.token) })
      await t.request('PATCH', `/api/v1/sites/${t.site.id}/comments/${reply.id}`, { body: '@Hana I agree, mostly.' }, { headers: bearer(ren.token) })
      await readThread(t)
      await readThread(t, { sort: 'top' })
      await t.get(`/api/v1/sites/${t.site.id}/thread/mine?url=${encodeURIComponent(ARTICLE_URL)}`, { headers: bearer(hana.token) })
      await t.get(`/api/v1/sites/${t.site.id}/inbox`, { headers: bearer(hana.token) })
      await t.post(`/api/v1/sites/${t.site.id}/inbox/read`, {}, { headers: bearer(hana.token) })
      await t.request('PUT', '/api/v1/me/profile', { public: true }, { headers: bearer(hana.token) })
      await t.request('PUT', `/api/v1/sites/${t.site.id}/profile`, { bio: 'Hello.' }, { headers: bearer(hana.token) })
      await t.get(`/api/v1/sites/${t.site.id}/profiles/${hana.user.id}`)
      for (const tab of ['latest', 'active', 'threads']) await t.get(`/api/v1/sites/${t.site.id}/community?tab=${tab}`)
      await t.get(`/api/v1/sites/${t.site.id}/feed.atom?url=${encodeURIComponent(ARTICLE_URL)}`)
      await t.get(`/api/v1/sites/${t.site.id}/counts?url=${encodeURIComponent(ARTICLE_URL)}`)
      await t.post(`/api/v1/sites/${t.site.id}/comments/${guest.id}/reports`, { reason: 'spam' }, { headers: bearer(hana.token) })

      // Moderators and owners: hide, restore, ban and lift, the queue, the audit log, the export.
      const moderate = (id: string, action: string) => fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action }, mod.cookie)
      await moderate(guest.id, 'hide')
      await moderate(guest.id, 'unhide')
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: reply.id, action: 'shadow-ban' }, mod.cookie)
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/authors`, { commentId: reply.id, action: 'unshadow-ban' }, mod.cookie)
      await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, mod.cookie)
      await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, mod.cookie)
      await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/export?format=engawa`, undefined, owner.cookie).then((res) => res.text())
      await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${reply.id}`, undefined, { headers: bearer(ren.token) })

      const sent = db.statements.slice(from).map((s) => s.sql)
      expect(sent.length).toBeGreaterThan(100)
      const unsited: string[] = []
      let checked = 0
      for (const statement of sent) {
        const names = distributed.reduce((n, table) => n + (statement.match(named(table))?.length ?? 0), 0)
        if (names === 0) continue
        checked++
        // An insert's rows carry their site in the column list; the rest need a condition per table named.
        const inserts = /^\s*insert into "(\w+)"\s*\(([^)]*)\)/i.exec(statement)
        const given = (inserts && inserts[2]?.includes('"site_id"') ? 1 : 0) + (statement.match(SITE_CONDITION)?.length ?? 0)
        if (given < names) unsited.push(statement)
      }
      expect(checked).toBeGreaterThan(80)
      expect([...new Set(unsited)].join("\n\n")).toBe("")
    })
  })
})
