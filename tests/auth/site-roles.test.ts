import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, fromEngawa, lastMailTo, signUpAndVerify, uniqueEmail, widgetToken } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('site roles', () => {
    it('an owner invites a moderator by email; the invited address accepts once and can moderate that site only', async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const modEmail = uniqueEmail('mod')
      const invited = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/invitations`, { email: modEmail }, owner.cookie)
      expect(invited.status).toBe(201)
      const token = /#invite=([a-z0-9.]+)/.exec((await lastMailTo(t, modEmail)).body_text ?? '')?.[1] ?? ''

      const stranger = await signUpAndVerify(t, undefined, 'Stranger')
      const wrongPerson = await fromEngawa(t, 'POST', '/api/v1/auth/invitations/accept', { token }, stranger.cookie)
      expect(wrongPerson.status).toBe(403)
      const mod = await signUpAndVerify(t, modEmail, 'Mod')
      const accepted = await fromEngawa(t, 'POST', '/api/v1/auth/invitations/accept', { token }, mod.cookie)
      expect(await accepted.json()).toEqual({ siteId: t.site.id, role: 'moderator' })
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/invitations/accept', { token }, mod.cookie)).status).toBe(400)

      const members = await (await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/members`, undefined, owner.cookie)).json()
      expect(members.members.map((m: { role: string }) => m.role).sort()).toEqual(['moderator', 'owner'])

      const guest = await postGuest(t, 'spam')
      const modToken = await widgetToken(t, mod.cookie)
      expect((await t.request('DELETE', `/api/v1/sites/${t.site.id}/comments/${guest.id}`, undefined, { headers: bearer(modToken) })).status).toBe(200)
      const onOther = await postGuest(other, 'elsewhere')
      const otherToken = await widgetToken(other, mod.cookie)
      const denied = await other.request('DELETE', `/api/v1/sites/${other.site.id}/comments/${onOther.id}`, undefined, {
        headers: bearer(otherToken),
      })
      expect(denied.status).toBe(403)
    })

    it('only owners manage a site; moderators and other sites’ owners may not, nor a widget token', async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      await setSiteRole(t.db, other.site.id, mod.email, 'owner')
      const path = `/api/v1/admin/sites/${t.site.id}/invitations`
      expect((await fromEngawa(t, 'POST', path, { email: uniqueEmail() }, mod.cookie)).status).toBe(403)
      const ownerToken = await widgetToken(t, owner.cookie)
      expect((await t.request('POST', path, { email: uniqueEmail() }, { headers: bearer(ownerToken) })).status).toBe(403)
      expect((await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/members`, undefined, mod.cookie)).status).toBe(403)
      const lastOwner = await fromEngawa(t, 'DELETE', `/api/v1/admin/sites/${t.site.id}/members/${owner.user.id}`, undefined, owner.cookie)
      expect(lastOwner.status).toBe(409)
      expect((await fromEngawa(t, 'DELETE', `/api/v1/admin/sites/${t.site.id}/members/${mod.user.id}`, undefined, owner.cookie)).status).toBe(204)
      const invitations = await t.db.selectFrom('site_invitations').selectAll().where('site_id', '=', t.site.id).execute()
      expect(invitations).toEqual([])
      // An owner who takes up a moderator's invitation stays owner.
      await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/invitations`, { email: owner.email, role: 'moderator' }, owner.cookie)
      const token = /#invite=([a-z0-9.]+)/.exec((await lastMailTo(t, owner.email)).body_text ?? '')?.[1] ?? ''
      const kept = await fromEngawa(t, 'POST', '/api/v1/auth/invitations/accept', { token }, owner.cookie)
      expect(await kept.json()).toEqual({ siteId: t.site.id, role: 'owner' })
    })
  })
})
