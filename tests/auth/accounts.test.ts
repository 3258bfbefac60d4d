import { hash as nativeArgon2 } from '@node-rs/argon2'
import { describe, expect, it } from 'vitest'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import type { PasswordHasher } from '../../src/deps.ts'
import { deleteExpiredSessions } from '../../src/auth/sessions.ts'
import {
  bearer,
  ENGAWA_ORIGIN,
  fromEngawa,
  lastMailTo,
  linkToken,
  PASSWORD,
  sessionCookie,
  signUpAndVerify,
  uniqueEmail,
  widgetToken,
} from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'

const DAY = 24 * 60 * 60 * 1000

function countingHasher(): PasswordHasher & { hashes: number; verifies: number } {
  const counter = {
    hashes: 0,
    verifies: 0,
    hash: (p: string) => {
      counter.hashes++
      return nodePasswordHasher.hash(p)
    },
    verify: (h: string, p: string) => {
      counter.verifies++
      return nodePasswordHasher.verify(h, p)
    },
  }
  return counter
}

forEachBackend((database) => {
  describe('sign-up', () => {
    it('makes the account only through the emailed link, which signs it in', async () => {
      const t = await startApp(database())
      const email = uniqueEmail()
      const res = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Hana' })
      expect(res.status).toBe(202)
      expect(await t.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()).toBeUndefined()
      const mail = await lastMailTo(t, email)
      expect(mail.subject).toBe('Confirm your address for Engawa')
      const token = linkToken(mail.body_text, 'verify')
      const bare = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token })
      expect((await bare.json()).error.code).toBe('password_required')
      const wrong = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token, password: 'not the one' })
      expect(wrong.status).toBe(401)
      const verified = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token, password: PASSWORD })
      expect(verified.status).toBe(200)
      expect((await verified.json()).user).toMatchObject({ displayName: 'Hana', email })
      const me = await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(verified))
      expect(me.status).toBe(200)
      expect((await me.json()).user.email).toBe(email)
      const again = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token, password: PASSWORD })
      expect(again.status).toBe(400)
      expect((await again.json()).error.code).toBe('invalid_link')
    })

    it('lets the browser that signed up follow the link without the password again, and nobody else', async () => {
      const t = await startApp(database())
      const signUpFrom = async (email: string) => {
        const res = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: PASSWORD })
        expect(res.status).toBe(202)
        const cookie = /(engawa_signup=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] as string
        expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i)
        return { cookie, token: linkToken((await lastMailTo(t, email)).body_text, 'verify') }
      }
      const own = await signUpFrom(uniqueEmail())
      const verified = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: own.token }, own.cookie)
      expect(verified.status).toBe(200)

      // A stranger signs up with someone else's address: the owner's browser, following the
      // link, has no cookie for it (or the cookie of another sign-up) and is asked the password,
      // which only the stranger knows; so the account is not made with the stranger's password.
      const victim = uniqueEmail('victim')
      const stranger = await signUpFrom(victim)
      const other = await signUpFrom(uniqueEmail())
      for (const cookie of [undefined, other.cookie, 'engawa_signup=abcdefghijkmnpqrstuvwxyz23456789']) {
        const res = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: stranger.token }, cookie)
        expect((await res.json()).error.code).toBe('password_required')
      }
      expect(await t.db.selectFrom('users').select('id').where('email', '=', victim).executeTakeFirst()).toBeUndefined()
      // The cookie only vouches for the browser that made that sign-up.
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: stranger.token }, stranger.cookie)).status).toBe(200)
    })

    it('answers the same words, after the same hashing, whether or not the address is registered', async () => {
      const hasher = countingHasher()
      const t = await startApp(database(), { passwords: hasher })
      const { email } = await signUpAndVerify(t)
      const fresh = uniqueEmail()
      hasher.hashes = 0
      const known = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: 'another password' })
      expect(hasher.hashes).toBe(1)
      const unknown = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email: fresh, password: 'another password' })
      expect(hasher.hashes).toBe(2)
      expect(known.status).toBe(unknown.status)
      expect(await known.text()).toBe(await unknown.text())
      expect((await lastMailTo(t, email)).subject).toBe('You already have an Engawa account')
      expect((await lastMailTo(t, fresh)).subject).toBe('Confirm your address for Engawa')
    })

    it("does not let a stranger's sign-up plant a password on someone's address", async () => {
      const t = await startApp(database())
      const email = uniqueEmail('victim')
      await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: 'attacker password' })
      const planted = linkToken((await lastMailTo(t, email)).body_text, 'verify')
      // The owner clicks the mail they did not ask for: it needs the stranger's password.
      const clicked = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: planted, password: PASSWORD })
      expect(clicked.status).toBe(401)
      await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: PASSWORD })
      const own = linkToken((await lastMailTo(t, email)).body_text, 'verify')
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: own, password: PASSWORD })).status).toBe(200)
      const attacker = await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: 'attacker password' })
      expect(attacker.status).toBe(401)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(200)
      const late = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: planted, password: 'attacker password' })
      expect(late.status).toBe(200)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: 'attacker password' })).status).toBe(401)
    })

    it('refuses an expired or tampered link and writes nothing', async () => {
      const t = await startApp(database())
      const email = uniqueEmail()
      await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: PASSWORD })
      const token = linkToken((await lastMailTo(t, email)).body_text, 'verify')
      const tampered = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: tampered })).status).toBe(400)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token: 'garbage' })).status).toBe(400)
      t.clock.advance(DAY + 1000)
      const late = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token, password: PASSWORD })
      expect(late.status).toBe(400)
      expect(await t.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()).toBeUndefined()
    })

    it('refuses passwords shorter than 8 characters or longer than 1,024, and keeps every character', async () => {
      const t = await startApp(database())
      const short = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email: uniqueEmail(), password: 'パスワード12' })
      expect(short.status).toBe(422)
      expect((await short.json()).error.code).toBe('weak_password')
      const long = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email: uniqueEmail(), password: 'x'.repeat(1025) })
      expect(long.status).toBe(422)
      const nul = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email: uniqueEmail(), password: 'abc\u0000defghi' })
      expect(nul.status).toBe(400)
      const invalidUtf8 = new Uint8Array([...new TextEncoder().encode('{"email":"a@b.example","password":"abc'), 0xff, 0xfe, ...new TextEncoder().encode('defghi"}')])
      const bytes = await t.request('POST', '/api/v1/auth/login', invalidUtf8, { origin: ENGAWA_ORIGIN })
      expect(bytes.status).toBe(400)
      // 100 characters: a prefix of it must not work, as it would if the password were truncated.
      const password = '東京の空は青い。'.repeat(12) + 'wxyz'
      const { email } = await signUpAndVerifyWith(t, password)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password })).status).toBe(200)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: password.slice(0, 72) })).status).toBe(401)
    })
  })

  describe('sign-in', () => {
    it('opens a new session at every sign-in, with a cookie for Engawa’s origin only', async () => {
      const t = await startApp(database())
      const { email } = await signUpAndVerify(t)
      const first = await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })
      const second = await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })
      expect(first.status).toBe(200)
      expect(sessionCookie(first)).not.toBe(sessionCookie(second))
      const set = first.headers.get('set-cookie') ?? ''
      expect(set).toMatch(/HttpOnly/)
      expect(set).toMatch(/SameSite=Lax/)
      expect(set).toMatch(/Path=\//)
      const token = sessionCookie(first).split('=')[1] as string
      // 24 letters of id and 32 of secret from a 32-letter alphabet: 120 + 160 bits.
      expect(token).toMatch(/^[a-km-z2-9]{24}\.[a-km-z2-9]{32}$/)
      const stored = await t.db.selectFrom('sessions').select(['id', 'secret_hash']).where('id', '=', token.split('.')[0] as string).executeTakeFirstOrThrow()
      expect(Buffer.from(stored.secret_hash).toString('utf8')).not.toContain(token.split('.')[1])
    })

    it('rehashes a password stored with weaker parameters at the next sign-in', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('old')
      // algorithm 2: Argon2id
      const weak = await nativeArgon2(PASSWORD, { timeCost: 1, parallelism: 1, memoryCost: 4096, outputLen: 32, algorithm: 2 })
      await t.db.insertInto('users').values({ email, email_verified_at: t.clock.now(), display_name: 'Old', password_hash: weak }).execute()
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(200)
      const stored = await t.db.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow()
      expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    })

    it('marks the cookie Secure and __Host- outside localhost', async () => {
      const t = await startApp(database(), { config: { publicUrl: 'https://comments.example' } })
      const { email } = await signUpAndVerifyAt(t, 'https://comments.example')
      const res = await t.request('POST', '/api/v1/auth/login', { email, password: PASSWORD }, { origin: 'https://comments.example' })
      expect(res.headers.get('set-cookie')).toMatch(/^__Host-engawa_session=[^;]+;.*Secure/)
    })

    it('answers a wrong password and an unknown address alike, each after one Argon2id verification', async () => {
      const hasher = countingHasher()
      const t = await startApp(database(), { passwords: hasher })
      const { email } = await signUpAndVerify(t)
      hasher.verifies = 0
      const wrong = await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: 'not the password' })
      expect(hasher.verifies).toBe(1)
      const unknown = await fromEngawa(t, 'POST', '/api/v1/auth/login', { email: uniqueEmail(), password: 'not the password' })
      expect(hasher.verifies).toBe(2)
      expect(wrong.status).toBe(401)
      expect(await wrong.json()).toEqual(await unknown.json())
      expect(wrong.headers.get('set-cookie')).toBeNull()
    })

    it('slides the expiry when used, ends it after 30 idle days, and cleans expired sessions up', async () => {
      const t = await startApp(database())
      const { cookie, user } = await signUpAndVerify(t)
      t.clock.advance(20 * DAY)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(200)
      const renewed = await t.db.selectFrom('sessions').select('expires_at').where('user_id', '=', user.id).executeTakeFirstOrThrow()
      expect(renewed.expires_at.getTime()).toBe(t.clock.now().getTime() + 30 * DAY)
      t.clock.advance(29 * DAY)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(200)
      const other = await signUpAndVerify(t)
      t.clock.advance(31 * DAY)
      const expired = await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)
      expect(expired.status).toBe(401)
      expect(await deleteExpiredSessions(t.db, t.clock.now())).toBeGreaterThanOrEqual(1)
      const left = await t.db.selectFrom('sessions').select('id').where('user_id', 'in', [user.id, other.user.id]).execute()
      expect(left).toEqual([])
    })

    it('signs out here, or everywhere', async () => {
      const t = await startApp(database())
      const { email, cookie } = await signUpAndVerify(t)
      const token = await widgetToken(t, cookie)
      const out = await fromEngawa(t, 'POST', '/api/v1/auth/logout', {}, cookie)
      expect(out.status).toBe(204)
      expect(out.headers.get('set-cookie')).toMatch(/engawa_session=;/)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(401)
      expect((await t.get('/api/v1/me', { headers: bearer(token) })).status).toBe(200)
      const again = sessionCookie(await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD }))
      const fromSite = await t.request('POST', '/api/v1/auth/logout', { everywhere: true }, { headers: bearer(token) })
      expect(fromSite.status).toBe(403)
      const everywhere = await fromEngawa(t, 'POST', '/api/v1/auth/logout', { everywhere: true }, again)
      expect(everywhere.status).toBe(204)
      expect((await t.get('/api/v1/me', { headers: bearer(token) })).status).toBe(401)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, again)).status).toBe(401)
    })

    it('ends every session on a password change and hands the caller a new one', async () => {
      const t = await startApp(database())
      const { email, cookie } = await signUpAndVerify(t)
      const token = await widgetToken(t, cookie)
      const wrong = await fromEngawa(t, 'POST', '/api/v1/auth/password', { currentPassword: 'nope nope', newPassword: 'a new password' }, cookie)
      expect(wrong.status).toBe(401)
      const changed = await fromEngawa(t, 'POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'a new password' }, cookie)
      expect(changed.status).toBe(200)
      const fresh = sessionCookie(changed)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(401)
      expect((await t.get('/api/v1/me', { headers: bearer(token) })).status).toBe(401)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, fresh)).status).toBe(200)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(401)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: 'a new password' })).status).toBe(200)
      const bySite = await t.request('POST', '/api/v1/auth/password', { currentPassword: 'a new password', newPassword: 'taken over' }, { headers: bearer(await widgetToken(t, fresh)) })
      expect(bySite.status).toBe(403)
    })

    it('forgets reset links mailed before the password changed', async () => {
      const t = await startApp(database())
      const { email, cookie } = await signUpAndVerify(t)
      await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email })
      const token = linkToken((await lastMailTo(t, email)).body_text, 'reset')
      await fromEngawa(t, 'POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'changed meanwhile' }, cookie)
      const late = await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token, password: 'from an old mail' })
      expect(late.status).toBe(400)
    })
  })

  describe('password reset', () => {
    it('answers the same for any address and mails a single-use link that expires in an hour', async () => {
      const t = await startApp(database())
      const { email, cookie } = await signUpAndVerify(t)
      const stranger = uniqueEmail()
      const known = await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email })
      const unknown = await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email: stranger })
      expect(known.status).toBe(202)
      expect(await known.text()).toBe(await unknown.text())
      expect((await lastMailTo(t, stranger)).body_text).not.toMatch(/#reset=/)
      const token = linkToken((await lastMailTo(t, email)).body_text, 'reset')
      const weak = await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token, password: 'short' })
      expect(weak.status).toBe(422)
      const done = await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token, password: 'brand new secret' })
      expect(done.status).toBe(200)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(401)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(done))).status).toBe(200)
      const reused = await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token, password: 'another new one' })
      expect(reused.status).toBe(400)
      await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email })
      const late = linkToken((await lastMailTo(t, email)).body_text, 'reset')
      t.clock.advance(61 * 60 * 1000)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token: late, password: 'too late now' })).status).toBe(400)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: 'brand new secret' })).status).toBe(200)
    })

    it('honours only the newest link: mailing one ends those mailed before', async () => {
      const t = await startApp(database())
      const { email } = await signUpAndVerify(t)
      await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email })
      const older = linkToken((await lastMailTo(t, email)).body_text, 'reset')
      await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email })
      const newer = linkToken((await lastMailTo(t, email)).body_text, 'reset')
      const stale = await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token: older, password: 'from the older mail' })
      expect(stale.status).toBe(400)
      expect((await stale.json()).error.code).toBe('invalid_link')
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token: newer, password: 'from the newer mail' })).status).toBe(200)
    })
  })

  describe('common passwords', () => {
    it.each(['12345678', 'password123', 'qwertyuiop', 'iloveyou1', 'PassWord123', 'ｐａｓｓｗｏｒｄ１２３'])(
      'refuses %s, saying why, at sign-up, reset and change, writing nothing',
      async (password) => {
        const t = await startApp(database())
        const email = uniqueEmail()
        const signup = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password })
        expect(signup.status).toBe(422)
        const refusal = (await signup.json()).error
        expect(refusal.code).toBe('weak_password')
        expect(refusal.message).toMatch(/most common passwords/)
        expect(await t.db.selectFrom('email_tokens').select('id').where('email', '=', email).execute()).toEqual([])
        const { email: member, cookie } = await signUpAndVerify(t)
        const change = await fromEngawa(t, 'POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: password }, cookie)
        expect((await change.json()).error.code).toBe('weak_password')
        await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email: member })
        const token = linkToken((await lastMailTo(t, member)).body_text, 'reset')
        const reset = await fromEngawa(t, 'POST', '/api/v1/auth/reset/confirm', { token, password })
        expect((await reset.json()).error.code).toBe('weak_password')
      },
    )
  })

  describe('cookie routes', () => {
    it('refuse a cross-site request: no Origin, Origin null, another origin, or a body that is not JSON', async () => {
      const t = await startApp(database())
      const { email, cookie } = await signUpAndVerify(t)
      const before = await t.db.selectFrom('sessions').select('id').execute()
      const login = { email, password: PASSWORD }
      for (const origin of [false, 'null', 'https://evil.example', `${ENGAWA_ORIGIN}.evil.example`] as const) {
        const res = await t.request('POST', '/api/v1/auth/login', login, { origin, headers: { cookie } })
        expect(res.status, String(origin)).toBe(403)
        expect((await res.json()).error.code).toBe('cross_site_request')
        const out = await t.request('POST', '/api/v1/auth/logout', {}, { origin, headers: { cookie } })
        expect(out.status).toBe(403)
      }
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await t.request('POST', '/api/v1/auth/login', JSON.stringify(login), {
          origin: ENGAWA_ORIGIN,
          headers: { cookie, 'content-type': type },
        })
        expect(res.status, type).toBe(415)
      }
      expect(await t.db.selectFrom('sessions').select('id').execute()).toHaveLength(before.length)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(200)
    })
  })

  describe('widget sessions', () => {
    it('are issued to a signed-in page of Engawa for one site and an origin that site allows', async () => {
      const t = await startApp(database())
      const { cookie } = await signUpAndVerify(t)
      const foreign = await fromEngawa(t, 'POST', '/api/v1/auth/widget-session', { site: t.site.id, origin: 'https://evil.example' }, cookie)
      expect(foreign.status).toBe(403)
      const anonymous = await fromEngawa(t, 'POST', '/api/v1/auth/widget-session', { site: t.site.id, origin: t.site.origin })
      expect(anonymous.status).toBe(401)
      const token = await widgetToken(t, cookie)
      const viaBearer = await t.request('POST', '/api/v1/auth/widget-session', { site: t.site.id, origin: t.site.origin }, { headers: bearer(token) })
      expect(viaBearer.status).toBe(403)
      const me = await t.get('/api/v1/me', { headers: bearer(token) })
      expect(me.status).toBe(200)
      expect(me.headers.get('access-control-allow-origin')).toBe(t.site.origin)
      const body = await me.json()
      expect(body.user.email).toBeNull()
      expect(body.session.siteId).toBe(t.site.id)
    })

    it('are worthless on another site and from an origin their site does not allow', async () => {
      const t = await startApp(database())
      const other = await startApp(database(), { site: { origins: ['https://other.example'] } })
      const { cookie } = await signUpAndVerify(t)
      const token = await widgetToken(t, cookie)
      const comment = { thread: { url: 'https://other.example/a' }, body: 'hello' }
      const res = await other.request('POST', `/api/v1/sites/${other.site.id}/comments`, comment, {
        origin: 'https://other.example',
        headers: bearer(token),
      })
      expect(res.status).toBe(401)
      const elsewhere = await t.get('/api/v1/me', { origin: 'https://other.example', headers: bearer(token) })
      expect(elsewhere.status).toBe(403)
    })

    it('refuse a malformed or dead Authorization header instead of falling back to a cookie', async () => {
      const t = await startApp(database())
      const { cookie } = await signUpAndVerify(t)
      for (const authorization of ['Bearer', 'Basic abc', 'Bearer a b', 'bearer', `Bearer ${'x'.repeat(300)}`, 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb']) {
        const res = await t.request('GET', '/api/v1/me', undefined, { origin: ENGAWA_ORIGIN, headers: { authorization, cookie } })
        expect(res.status, authorization).toBe(401)
        expect((await res.json()).error.code).toBe('unauthorized')
      }
    })
  })

  describe('abuse limits', () => {
    it('limit sign-in per account across instances, whether or not the address is registered', async () => {
      const t = await startApp(database())
      const second = await startApp(database(), { db: database().connectAgain(), clock: t.clock })
      const { email } = await signUpAndVerify(t)
      for (const address of [email, uniqueEmail()]) {
        const statuses: number[] = []
        for (let i = 0; i < 12; i++) {
          const app = i % 2 ? second : t
          const res = await app.request('POST', '/api/v1/auth/login', { email: address, password: 'wrong guess' }, { origin: ENGAWA_ORIGIN, ip: `192.0.2.${i}` })
          statuses.push(res.status)
          if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
        }
        expect(statuses).toEqual([...Array(10).fill(401), 429, 429])
      }
      t.clock.advance(16 * 60 * 1000)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(200)
    })

    it('limit per client address, believing X-Forwarded-For only from a trusted proxy', async () => {
      const direct = await startApp(database())
      const statuses: number[] = []
      for (let i = 0; i < 11; i++) {
        const res = await direct.request('POST', '/api/v1/auth/signup', { email: uniqueEmail(), password: PASSWORD }, {
          origin: ENGAWA_ORIGIN,
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
        })
        statuses.push(res.status)
      }
      expect(statuses).toEqual([...Array(10).fill(202), 429])
      const proxied = await startApp(database(), { config: { trustedProxies: new Set(['10.9.9.9']) } })
      for (let i = 0; i < 11; i++) {
        const res = await proxied.request('POST', '/api/v1/auth/signup', { email: uniqueEmail(), password: PASSWORD }, {
          origin: ENGAWA_ORIGIN,
          ip: '10.9.9.9',
          headers: { 'x-forwarded-for': `203.0.113.7, 198.51.100.${i}` },
        })
        expect(res.status).toBe(202)
      }
    })
  })
})

async function signUpAndVerifyWith(t: Awaited<ReturnType<typeof startApp>>, password: string) {
  const email = uniqueEmail()
  expect((await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password })).status).toBe(202)
  const token = linkToken((await lastMailTo(t, email)).body_text, 'verify')
  expect((await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token, password })).status).toBe(200)
  return { email }
}

async function signUpAndVerifyAt(t: Awaited<ReturnType<typeof startApp>>, origin: string) {
  const email = uniqueEmail()
  await t.request('POST', '/api/v1/auth/signup', { email, password: PASSWORD }, { origin })
  const token = linkToken((await lastMailTo(t, email)).body_text, 'verify')
  expect((await t.request('POST', '/api/v1/auth/verify', { token, password: PASSWORD }, { origin })).status).toBe(200)
  return { email }
}
