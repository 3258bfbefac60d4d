import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, ENGAWA_ORIGIN, fromEngawa, sessionCookie, signUpAndVerify, uniqueEmail } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'
import { startOidcProvider, type OidcAccount, type TestOidcProvider } from '../helpers/oidc-provider.ts'

const CALLBACK = `${ENGAWA_ORIGIN}/api/v1/auth/oauth/oidc/callback`
const takenEmail = uniqueEmail('taken')
const accounts: OidcAccount[] = [
  { id: 'alice', email: uniqueEmail('alice'), emailVerified: true, name: 'Alice Idp' },
  { id: 'bob', email: uniqueEmail('bob'), emailVerified: true, name: 'Bob Idp' },
  { id: 'mallory', email: takenEmail, emailVerified: false, name: 'Mallory' },
  { id: 'nora', email: uniqueEmail('nora'), emailVerified: false, name: 'Nora' },
]

let provider: TestOidcProvider
let other: TestOidcProvider
beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: [CALLBACK], accounts })
  other = await startOidcProvider({ redirectUris: [CALLBACK], accounts })
})
afterAll(async () => {
  await provider?.close()
  await other?.close()
})

function appWithProvider(database: Parameters<typeof startApp>[0]) {
  return startApp(database, {
    config: {
      oauth: { oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, name: 'Test ID', allowPrivate: true } },
    },
  })
}

async function start(t: TestApp, returnTo = '/auth/popup?site=abc') {
  const res = await t.get(`/api/v1/auth/oauth/oidc?returnTo=${encodeURIComponent(returnTo)}`, { origin: false })
  expect(res.status, await res.clone().text()).toBe(302)
  const stateCookie = /(engawa_oauth_state=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? ''
  expect(stateCookie).not.toBe('')
  return { location: res.headers.get('location') ?? '', stateCookie }
}

async function countRows(t: TestApp, table: 'sessions' | 'oauth_attempts') {
  const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

function callback(t: TestApp, url: URL, cookie: string) {
  return t.get(`${url.pathname}${url.search}`, { origin: false, headers: cookie ? { cookie } : {} })
}

async function signInWith(t: TestApp, accountId: string) {
  const { location, stateCookie } = await start(t)
  const back = await provider.signIn(location, accountId)
  return callback(t, back, stateCookie)
}

forEachBackend((database) => {
  describe('OpenID Connect sign-in', () => {
    it('lists the configured provider and sends the browser there with PKCE and a nonce', async () => {
      const t = await appWithProvider(database())
      expect(await (await t.get('/api/v1/auth/providers')).json()).toEqual({ providers: [{ id: 'oidc', label: 'Test ID' }] })
      const url = new URL((await start(t)).location)
      expect(url.origin).toBe(provider.issuer)
      expect(url.searchParams.get('code_challenge_method')).toBe('S256')
      expect(url.searchParams.get('nonce')).toMatch(/^[a-z2-9]{24}$/)
      expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK)
    })

    it('signs in through the whole redirect flow, making an account for a verified address', async () => {
      const t = await appWithProvider(database())
      const res = await signInWith(t, 'alice')
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('/auth/popup?site=abc')
      const me = await (await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(res))).json()
      expect(me.user).toMatchObject({ displayName: 'Alice Idp', email: accounts[0]?.email })
      const again = await signInWith(t, 'alice')
      const meAgain = await (await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(again))).json()
      expect(meAgain.user.id).toBe(me.user.id)
    })

    it('links a verified address to the existing account that holds it', async () => {
      const t = await appWithProvider(database())
      const bob = accounts[1] as OidcAccount
      const { user } = await signUpAndVerify(t, bob.email, 'Bob')
      const res = await signInWith(t, 'bob')
      const me = await (await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(res))).json()
      expect(me.user.id).toBe(user.id)
    })

    it('answers an unverified address that an account uses as it answers an unknown one: a new account of its own', async () => {
      const t = await appWithProvider(database())
      const { user: owner } = await signUpAndVerify(t, takenEmail, 'Owner')
      const taken = await signInWith(t, 'mallory')
      const unknown = await signInWith(t, 'nora')
      // The same answer either way: nothing tells that an account here uses the address.
      for (const res of [taken, unknown]) {
        expect(res.status).toBe(302)
        expect(res.headers.get('location')).not.toMatch(/signin_error/)
        expect(res.headers.get('set-cookie') ?? '').toMatch(/engawa_session=[^;]/)
      }
      expect(new URL(taken.headers.get('location') ?? '', 'http://x').pathname).toBe(new URL(unknown.headers.get('location') ?? '', 'http://x').pathname)
      const me = await (await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(taken))).json()
      expect(me.user.id).not.toBe(owner.id)
      expect(me.user.email).toBeNull()
      const linked = await t.db.selectFrom('oauth_identities').select('user_id').where('subject', '=', 'mallory').execute()
      expect(linked).toEqual([{ user_id: me.user.id }])
    })

    it('gives an unverified new address its own account that does not claim the address', async () => {
      const t = await appWithProvider(database())
      const res = await signInWith(t, 'nora')
      const me = await (await fromEngawa(t, 'GET', '/api/v1/me', undefined, sessionCookie(res))).json()
      expect(me.user).toMatchObject({ displayName: 'Nora', email: null })
    })

    it('refuses a forged or missing state, writing nothing', async () => {
      const t = await appWithProvider(database())
      const { location, stateCookie } = await start(t)
      const back = await provider.signIn(location, 'alice')
      const sessionsBefore = await countRows(t, 'sessions')
      const forged = new URL(back)
      forged.searchParams.set('state', 'forged-state-value')
      for (const [url, cookie] of [
        [forged, stateCookie],
        [back, ''],
        [back, 'engawa_oauth_state=another'],
      ] as const) {
        const res = await callback(t, url, cookie)
        expect(res.status).toBe(400)
        expect((await res.json()).error.code).toBe('invalid_state')
      }
      expect(await countRows(t, 'sessions')).toBe(sessionsBefore)
      expect((await callback(t, back, stateCookie)).status).toBe(302)
    })

    it('refuses a replayed callback and a replayed code', async () => {
      const t = await appWithProvider(database())
      const first = await start(t)
      const back = await provider.signIn(first.location, 'alice')
      expect((await callback(t, back, first.stateCookie)).status).toBe(302)
      const replay = await callback(t, back, first.stateCookie)
      expect(replay.status).toBe(400)
      const second = await start(t)
      const state = new URL(second.location).searchParams.get('state') ?? ''
      const withOldCode = new URL(back)
      withOldCode.searchParams.set('state', state)
      const res = await callback(t, withOldCode, second.stateCookie)
      expect(res.headers.get('location')).toMatch(/#signin_error=/)
      expect(res.headers.get('set-cookie') ?? '').not.toMatch(/engawa_session=[^;]/)
    })

    it('refuses an answer from another issuer and an ID token for another attempt’s nonce', async () => {
      const t = await appWithProvider(database())
      const sessionsBefore = await countRows(t, 'sessions')
      const { location, stateCookie } = await start(t)
      const back = await provider.signIn(location, 'alice')
      const mixedUp = new URL(back)
      mixedUp.searchParams.set('iss', other.issuer)
      const res = await callback(t, mixedUp, stateCookie)
      expect(decodeURIComponent(res.headers.get('location') ?? '')).toMatch(/another sign-in provider/)

      const next = await start(t)
      await t.db.updateTable('oauth_attempts').set({ nonce: 'someone-elses-nonce' }).where('return_to', '=', '/auth/popup?site=abc').execute()
      const nonceBack = await provider.signIn(next.location, 'alice')
      const refused = await callback(t, nonceBack, next.stateCookie)
      expect(decodeURIComponent(refused.headers.get('location') ?? '')).toMatch(/does not belong to this attempt/)
      expect(await countRows(t, 'sessions')).toBe(sessionsBefore)
    })

    it('refuses a return address that leaves Engawa', async () => {
      const t = await appWithProvider(database())
      const attemptsBefore = await countRows(t, 'oauth_attempts')
      for (const returnTo of [
        '//evil.example/x',
        '/\\evil.example',
        'https://evil.example/',
        'javascript:alert(1)',
        '/auth/popup\u0000',
        '/.//evil.example/phish',
        '/a/..//evil.example',
        '/%2e//evil.example',
        '/api/v1/me/export',
      ]) {
        const res = await t.get(`/api/v1/auth/oauth/oidc?returnTo=${encodeURIComponent(returnTo)}`, { origin: false })
        expect(res.status, returnTo).toBe(400)
      }
      expect(await countRows(t, 'oauth_attempts')).toBe(attemptsBefore)
    })

    it('signs the popup in to a site with the account it made', async () => {
      const t = await appWithProvider(database())
      const cookie = sessionCookie(await signInWith(t, 'alice'))
      const res = await fromEngawa(t, 'POST', '/api/v1/auth/widget-session', { site: t.site.id, origin: t.site.origin }, cookie)
      const { token } = await res.json()
      const posted = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: `${t.site.origin}/a` }, body: 'via OIDC' }, { headers: bearer(token) })
      expect((await posted.json()).comment.author.name).toBe('Alice Idp')
    })
  })
})
