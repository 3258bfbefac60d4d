import { createHmac, randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'

/** What a site's server does (the README's example): sign its user for one page load. */
function hmacToken(secret: string, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

async function withSecret(t: TestApp) {
  const owner = await signUpAndVerify(t, undefined, 'Owner')
  await setSiteRole(t.db, t.site.id, owner.email, 'owner')
  const res = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/sso-secret`, {}, owner.cookie)
  expect(res.status).toBe(200)
  return { owner, secret: (await res.json()).secret as string }
}

const exchange = (t: TestApp, token: string) => t.post(`/api/v1/sites/${t.site.id}/sso`, { token })

async function written(t: TestApp) {
  const [users, sessions, nonces] = await Promise.all(
    (['users', 'sessions', 'sso_nonces'] as const).map(async (table) => Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)),
  )
  return { users, sessions, nonces }
}

forEachBackend((database) => {
  describe("sign-in with the host site's accounts", () => {
    it('exchanges an HMAC-signed token for a session on that site, once, for the same account each time', async () => {
      const t = await startApp(database())
      const { secret } = await withSecret(t)
      const now = Math.floor(t.clock.now().getTime() / 1000)
      const payload = { id: 'host-42', name: 'Kumiko', site: t.site.id, iat: now, exp: now + 300 }
      const token = hmacToken(secret, { ...payload, nonce: randomUUID() })
      const res = await exchange(t, token)
      expect(res.status).toBe(200)
      const session = await res.json()
      expect(session.user.displayName).toBe('Kumiko')
      const posted = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: ARTICLE_URL }, body: 'Signed in by my blog' }, { headers: bearer(session.token) })
      expect(posted.status).toBe(201)
      expect((await posted.json()).comment.author.name).toBe('Kumiko')

      const before = await written(t)
      const replay = await exchange(t, token)
      expect(replay.status).toBe(409)
      expect((await replay.json()).error.code).toBe('sso_token_used')
      expect(await written(t)).toEqual(before)

      const again = await (await exchange(t, hmacToken(secret, { ...payload, name: 'Kumiko S.', nonce: randomUUID() }))).json()
      expect(again.user).toMatchObject({ id: session.user.id, displayName: 'Kumiko S.' })
    })

    it('refuses expired, long-lived, tampered, foreign and malformed tokens, writing nothing', async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      const { secret } = await withSecret(t)
      const { secret: otherSecret } = await withSecret(other)
      const now = Math.floor(t.clock.now().getTime() / 1000)
      const good = { id: 'host-7', name: 'Ren', site: t.site.id, iat: now, exp: now + 300 }
      const signed = hmacToken(secret, { ...good, nonce: randomUUID() })
      const [body, mac] = signed.split('.')
      const tampered = `${Buffer.from(JSON.stringify({ ...good, id: 'admin', nonce: randomUUID() })).toString('base64url')}.${mac}`
      const cases: Array<[string, string]> = [
        ['expired', hmacToken(secret, { ...good, iat: now - 900, exp: now - 1, nonce: randomUUID() })],
        ['lives too long', hmacToken(secret, { ...good, exp: now + 86_400, nonce: randomUUID() })],
        ['tampered', tampered],
        ['signed with another site’s secret', hmacToken(otherSecret, { ...good, nonce: randomUUID() })],
        ['made for another site', hmacToken(secret, { ...good, site: other.site.id, nonce: randomUUID() })],
        ['without a nonce', hmacToken(secret, good)],
        ['not base64', `${body}.%%%`],
        ['one part', 'abc'],
      ]
      const before = await written(t)
      for (const [what, token] of cases) {
        const res = await exchange(t, token)
        expect(res.status, what).toBe(401)
        expect((await res.json()).error.code, what).toBe('invalid_sso_token')
      }
      expect(await written(t)).toEqual(before)
      // The untouched token is good (through another instance): the refusals were the changes'.
      expect((await other.post(`/api/v1/sites/${t.site.id}/sso`, { token: signed }, { origin: t.site.origin })).status).toBe(200)
      // A site that has not turned it on.
      const plain = await startApp(database())
      expect((await exchange(plain, signed)).status).toBe(404)
    })

    it('takes an HS256 JWT with the site as audience, and refuses one for another audience or with alg none', async () => {
      const t = await startApp(database())
      const { secret } = await withSecret(t)
      const key = new TextEncoder().encode(secret)
      const now = Math.floor(t.clock.now().getTime() / 1000)
      const jwt = (claims: Record<string, unknown>, audience = t.site.id, exp = now + 300) =>
        new SignJWT({ name: 'Aoi', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('host-9').setAudience(audience).setIssuedAt(now).setExpirationTime(exp).setJti(randomUUID()).sign(key)
      const ok = await exchange(t, await jwt({}))
      expect(ok.status).toBe(200)
      expect((await ok.json()).user.displayName).toBe('Aoi')
      expect((await exchange(t, await jwt({}, 'another-site'))).status).toBe(401)
      expect((await exchange(t, await jwt({}, t.site.id, now - 10))).status).toBe(401)
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', name: 'X', aud: t.site.id, iat: now, exp: now + 60, jti: randomUUID() })).toString('base64url')}.`
      expect((await exchange(t, unsigned)).status).toBe(401)
      // Claims of the wrong type are refused as such, not as a server error.
      const typed = await new SignJWT({ name: 'Aoi', jti: null } as unknown as { name: string }).setProtectedHeader({ alg: 'HS256' }).setSubject('host-9').setAudience(t.site.id).setIssuedAt(now).setExpirationTime(now + 60).sign(key)
      expect((await exchange(t, typed)).status).toBe(401)
      const weakNonce = await new SignJWT({ name: 'Aoi' }).setProtectedHeader({ alg: 'HS256' }).setSubject('host-9').setAudience(t.site.id).setIssuedAt(now).setExpirationTime(now + 60).setJti('short').sign(key)
      expect((await exchange(t, weakNonce)).status).toBe(401)
    })

    it('lets only owners make the secret', async () => {
      const t = await startApp(database())
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      expect((await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/sso-secret`, {}, mod.cookie)).status).toBe(403)
      const site = await t.db.selectFrom('sites').select('sso_secret').where('id', '=', t.site.id).executeTakeFirstOrThrow()
      expect(site.sso_secret).toBeNull()
    })
  })
})
