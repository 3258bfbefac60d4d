import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { createSite } from '../../src/sites/sites.ts'
import { bearer, fromEngawa, signUpAndVerify, widgetToken, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

type Scope = 'read' | 'moderate' | 'admin'

async function makeToken(t: TestApp, cookie: string, scope: Scope, extra: Record<string, unknown> = {}) {
  const res = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/tokens`, { name: `${scope} script`, scope, ...extra }, cookie)
  expect(res.status).toBe(201)
  return (await res.json()) as { token: string; apiToken: { id: string; scope: Scope; lastUsedAt: string | null } }
}

/** A script's request: no Origin, the token as a bearer. */
const script = (t: TestApp, token: string, method: string, path: string, body?: unknown) => t.request(method, path, body, { origin: false, headers: bearer(token) })

forEachBackend((database) => {
  describe('API tokens', () => {
    it('are shown once and stored only as a hash; each scope reads, moderates or administers its own site only', async () => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const comment = (await postGuest(t, 'A comment for the scripts')).id
      const tokens = { read: await makeToken(t, cookie, 'read'), moderate: await makeToken(t, cookie, 'moderate'), admin: await makeToken(t, cookie, 'admin') }
      for (const made of Object.values(tokens)) {
        expect(made.token).toMatch(/^engawa_pat_[a-z2-9]{24}\.[a-z2-9]{32}$/)
        const secret = made.token.split('.')[1]!
        const rows = await t.db.selectFrom('api_tokens').selectAll().execute()
        expect(JSON.stringify(rows.map((r) => ({ ...r, secret_hash: Buffer.from(r.secret_hash).toString('hex') })))).not.toContain(secret)
      }

      const queue = `/api/v1/moderation/sites/${t.site.id}/queue`
      const settings = `/api/v1/admin/sites/${t.site.id}/settings`
      const act = `/api/v1/moderation/sites/${t.site.id}/comments/${comment}`
      const status = async () => (await t.db.selectFrom('comments').select('status').where('id', '=', comment).executeTakeFirstOrThrow()).status

      for (const scope of ['read', 'moderate', 'admin'] as const) {
        expect((await script(t, tokens[scope].token, 'GET', queue)).status, `${scope} reads the queue`).toBe(200)
        expect((await script(t, tokens[scope].token, 'GET', settings)).status, `${scope} reads the settings`).toBe(200)
      }
      // Reading only: no action, no settings, nothing changed.
      expect((await script(t, tokens.read.token, 'POST', act, { action: 'hide' })).status).toBe(403)
      expect((await script(t, tokens.read.token, 'PATCH', settings, { maxLinks: 7 })).status).toBe(403)
      expect(await status()).toBe('published')
      // Moderating: actions, but not the settings.
      expect((await script(t, tokens.moderate.token, 'POST', act, { action: 'hide' })).status).toBe(200)
      expect(await status()).toBe('hidden')
      expect((await script(t, tokens.moderate.token, 'PATCH', settings, { maxLinks: 7 })).status).toBe(403)
      // Administering: the settings too.
      const patched = await script(t, tokens.admin.token, 'PATCH', settings, { maxLinks: 7 })
      expect(patched.status).toBe(200)
      expect((await t.db.selectFrom('sites').select('max_links').where('id', '=', t.site.id).executeTakeFirstOrThrow()).max_links).toBe(7)
      // The audit log names the owner the token acts for.
      const audit = await t.db.selectFrom('moderation_actions').select(['action', 'actor_user_id']).where('site_id', '=', t.site.id).where('action', '=', 'hide').execute()
      expect(audit).toHaveLength(1)
      expect(audit[0]!.actor_user_id).not.toBeNull()
    })

    it('never reach another site, the account routes, the widget routes or token management', async () => {
      const t = await startApp(database())
      const { cookie, email } = await staffOf(t, 'Owner', 'owner')
      const other = await createSite(t.db, { name: 'Other', origins: ['https://other.example'] })
      await setSiteRole(t.db, other.id, email, 'owner')
      const { token } = await makeToken(t, cookie, 'admin')
      const before = await t.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()

      expect((await script(t, token, 'GET', `/api/v1/moderation/sites/${other.id}/queue`)).status).toBe(403)
      expect((await script(t, token, 'PATCH', `/api/v1/admin/sites/${other.id}/settings`, { maxLinks: 2 })).status).toBe(403)
      expect((await script(t, token, 'GET', '/api/v1/me')).status).toBe(401)
      expect((await script(t, token, 'POST', `/api/v1/sites/${t.site.id}/comments`, { thread: { url: t.site.origin + '/a' }, body: 'hi' })).status).toBe(401)
      expect((await script(t, token, 'POST', `/api/v1/admin/sites/${t.site.id}/tokens`, { name: 'successor', scope: 'admin' })).status).toBe(403)
      expect((await script(t, token, 'GET', `/api/v1/admin/sites/${t.site.id}/tokens`)).status).toBe(403)
      expect((await t.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n).toBe(before.n)

      // People, secrets, webhooks and the mail log are for owners on Engawa itself: a leaked token
      // cannot invite a successor, remove owners, take the SSO secret or read addresses in bulk.
      const admin = `/api/v1/admin/sites/${t.site.id}`
      const owners = await t.db.selectFrom('site_members').select('user_id').where('site_id', '=', t.site.id).execute()
      expect((await script(t, token, 'POST', `${admin}/invitations`, { email: 'successor@mail.example', role: 'owner' })).status).toBe(403)
      expect((await script(t, token, 'DELETE', `${admin}/members/${owners[0]!.user_id}`)).status).toBe(403)
      expect((await script(t, token, 'POST', `${admin}/sso-secret`, {})).status).toBe(403)
      expect((await script(t, token, 'POST', `${admin}/webhooks`, { url: 'https://hooks.example/x', events: ['comment.created'] })).status).toBe(403)
      for (const path of ['members', 'mail', 'webhooks']) expect((await script(t, token, 'GET', `${admin}/${path}`)).status, path).toBe(403)
      expect(await t.db.selectFrom('site_invitations').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
      expect(await t.db.selectFrom('site_members').select('user_id').where('site_id', '=', t.site.id).execute()).toEqual(owners)
      expect((await t.db.selectFrom('sites').select('sso_secret').where('id', '=', t.site.id).executeTakeFirstOrThrow()).sso_secret).toBeNull()
      // Exports hold guests' addresses: an admin token may take one, a read token may not.
      expect((await script(t, token, 'GET', `${admin}/export`)).status).toBe(200)
      const reader = (await makeToken(t, cookie, 'read')).token
      expect((await script(t, reader, 'GET', `${admin}/export`)).status).toBe(403)
      expect((await script(t, reader, 'GET', `${admin}/settings`)).status).toBe(200)

      // The cross-site queue lists the token's own site only.
      const all = await script(t, token, 'GET', '/api/v1/moderation/queue')
      expect(all.status).toBe(200)
      expect(JSON.stringify(await all.json())).not.toContain(other.id)
    })

    it('are listed with their last use, and stop working when revoked, expired, or their maker loses the role', async () => {
      const t = await startApp(database())
      const { cookie, email } = await staffOf(t, 'Owner', 'owner')
      const admin = await makeToken(t, cookie, 'admin')
      const shortLived = await makeToken(t, cookie, 'read', { expiresInDays: 1 })
      const queue = `/api/v1/moderation/sites/${t.site.id}/queue`
      const settings = `/api/v1/admin/sites/${t.site.id}/settings`
      const list = async () => (await (await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/tokens`, undefined, cookie)).json()).tokens as Array<{ id: string; lastUsedAt: string | null; revokedAt: string | null }>

      expect((await list()).every((x) => x.lastUsedAt === null)).toBe(true)
      expect((await script(t, admin.token, 'GET', queue)).status).toBe(200)
      expect((await list()).find((x) => x.id === admin.apiToken.id)?.lastUsedAt).toBe(t.clock.now().toISOString())

      t.clock.advance(2 * 24 * 60 * 60 * 1000)
      expect((await script(t, shortLived.token, 'GET', queue)).status).toBe(401)

      // Demoted to moderator: the admin token can moderate still, administer no more.
      await setSiteRole(t.db, t.site.id, email, 'moderator')
      expect((await script(t, admin.token, 'GET', queue)).status).toBe(200)
      expect((await script(t, admin.token, 'PATCH', settings, { maxLinks: 4 })).status).toBe(403)
      await setSiteRole(t.db, t.site.id, email, 'owner')

      expect((await fromEngawa(t, 'DELETE', `/api/v1/admin/sites/${t.site.id}/tokens/${admin.apiToken.id}`, undefined, cookie)).status).toBe(204)
      expect((await script(t, admin.token, 'GET', queue)).status).toBe(401)
      expect((await list()).find((x) => x.id === admin.apiToken.id)?.revokedAt).not.toBeNull()
      expect((await fromEngawa(t, 'DELETE', `/api/v1/admin/sites/${t.site.id}/tokens/${admin.apiToken.id}`, undefined, cookie)).status).toBe(404)
      const audit = await t.db.selectFrom('moderation_actions').select('reason').where('site_id', '=', t.site.id).where('action', '=', 'api-token').orderBy('created_at').execute()
      expect(audit.map((a) => a.reason)).toEqual(['created "admin script" (admin)', 'created "read script" (read)', `revoked ${admin.apiToken.id}`])
    })

    it('are made by owners from Engawa itself only; bad requests are refused with nothing written', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Owner', 'owner')
      const moderator = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, moderator.email, 'moderator')
      const path = `/api/v1/admin/sites/${t.site.id}/tokens`
      const body = { name: 'x', scope: 'read' }
      expect((await fromEngawa(t, 'POST', path, body)).status).toBe(401)
      expect((await fromEngawa(t, 'POST', path, body, moderator.cookie)).status).toBe(403)
      expect((await t.request('POST', path, body, { origin: false, headers: bearer(await widgetToken(t, owner.cookie)) })).status).toBe(403)
      for (const bad of [{ name: '', scope: 'read' }, { name: 'x', scope: 'root' }, { name: 'x', scope: 'read', expiresInDays: 0 }, { name: 'x' }])
        expect((await fromEngawa(t, 'POST', path, bad, owner.cookie)).status, JSON.stringify(bad)).toBe(400)
      expect((await t.request('GET', `/api/v1/moderation/sites/${t.site.id}/queue`, undefined, { origin: false, headers: bearer('engawa_pat_nothing.here') })).status).toBe(401)
      expect(await t.db.selectFrom('api_tokens').selectAll().where('site_id', '=', t.site.id).execute()).toEqual([])
    })
  })
})
