import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError } from 'arctic'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.ts'

// Proves the harness with the libraries Engawa's sign-in uses: arctic for the code flow, jose for
// the id_token. The callback is never fetched; signIn stops where the provider sends the browser.
const CALLBACK = 'https://comments.example/api/v1/auth/oidc/callback'
const ACCOUNTS = [
  { id: 'aki', email: 'aki@example.com', emailVerified: true, name: 'Aki Tanaka' },
  { id: 'ren', email: 'ren@example.com', emailVerified: false, name: 'Ren Sato' },
]

interface Discovery {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  jwks_uri: string
  code_challenge_methods_supported: string[]
  token_endpoint_auth_methods_supported: string[]
}

describe('the test OIDC provider', () => {
  let op: TestOidcProvider
  let discovery: Discovery
  let client: OAuth2Client

  beforeAll(async () => {
    op = await startOidcProvider({ redirectUris: [CALLBACK], accounts: ACCOUNTS })
    discovery = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()
    client = new OAuth2Client(op.clientId, op.clientSecret, CALLBACK)
  })
  afterAll(() => op.close())

  async function authorize(accountId: string, options: { consent?: 'grant' | 'deny'; withPkce?: boolean } = {}) {
    const state = generateState()
    const nonce = generateState()
    const codeVerifier = generateCodeVerifier()
    const scopes = ['openid', 'email', 'profile']
    const url =
      options.withPkce === false
        ? client.createAuthorizationURL(discovery.authorization_endpoint, state, scopes)
        : client.createAuthorizationURLWithPKCE(discovery.authorization_endpoint, state, CodeChallengeMethod.S256, codeVerifier, scopes)
    url.searchParams.set('nonce', nonce)
    const callback = await op.signIn(url.toString(), accountId, { consent: options.consent ?? 'grant' })
    return { callback, state, nonce, codeVerifier }
  }

  it('publishes discovery for a code flow with PKCE S256 and basic client auth', () => {
    expect(discovery.issuer).toBe(op.issuer)
    expect(op.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(discovery.code_challenge_methods_supported).toEqual(['S256'])
    expect(discovery.token_endpoint_auth_methods_supported).toContain('client_secret_basic')
  })

  it.each([
    { account: ACCOUNTS[0], emailVerified: true },
    { account: ACCOUNTS[1], emailVerified: false },
  ])('signs in $account.id and puts email_verified=$emailVerified in the id_token', async ({ account, emailVerified }) => {
    if (!account) throw new Error('missing fixture')
    const { callback, state, nonce, codeVerifier } = await authorize(account.id)
    expect(callback.origin + callback.pathname).toBe(CALLBACK)
    expect(callback.searchParams.get('state')).toBe(state)
    expect(callback.searchParams.get('iss')).toBe(op.issuer)
    const code = callback.searchParams.get('code')
    expect(code).toEqual(expect.any(String))

    const tokens = await client.validateAuthorizationCode(discovery.token_endpoint, code ?? '', codeVerifier)
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri))
    const { payload } = await jwtVerify(tokens.idToken(), jwks, { issuer: op.issuer, audience: op.clientId })
    expect(payload).toMatchObject({ sub: account.id, nonce, email: account.email, email_verified: emailVerified, name: account.name })
  })

  it('refuses a replayed authorization code with invalid_grant', async () => {
    const { callback, codeVerifier } = await authorize('aki')
    const code = callback.searchParams.get('code') ?? ''
    await client.validateAuthorizationCode(discovery.token_endpoint, code, codeVerifier)
    const replay = client.validateAuthorizationCode(discovery.token_endpoint, code, codeVerifier)
    await expect(replay).rejects.toBeInstanceOf(OAuth2RequestError)
    await expect(replay).rejects.toMatchObject({ code: 'invalid_grant' })
  })

  it('refuses a code redeemed with the wrong PKCE verifier', async () => {
    const { callback } = await authorize('aki')
    const exchange = client.validateAuthorizationCode(discovery.token_endpoint, callback.searchParams.get('code') ?? '', generateCodeVerifier())
    await expect(exchange).rejects.toMatchObject({ code: 'invalid_grant' })
  })

  it('sends an authorization request without PKCE back with invalid_request', async () => {
    const { callback, state } = await authorize('aki', { withPkce: false })
    expect(callback.searchParams.get('error')).toBe('invalid_request')
    expect(callback.searchParams.get('state')).toBe(state)
    expect(callback.searchParams.has('code')).toBe(false)
  })

  it('sends access_denied when the user refuses consent', async () => {
    const { callback } = await authorize('ren', { consent: 'deny' })
    expect(callback.searchParams.get('error')).toBe('access_denied')
    expect(callback.searchParams.has('code')).toBe(false)
  })

  it('throws from signIn for an account the provider does not know', async () => {
    const url = client.createAuthorizationURLWithPKCE(discovery.authorization_endpoint, generateState(), CodeChallengeMethod.S256, generateCodeVerifier(), ['openid'])
    await expect(op.signIn(url.toString(), 'nobody')).rejects.toThrow(/401/)
  })
})

it('stops listening on close', async () => {
  const op = await startOidcProvider({ redirectUris: [CALLBACK], accounts: ACCOUNTS })
  expect((await fetch(`${op.issuer}/.well-known/openid-configuration`)).status).toBe(200)
  await op.close()
  await expect(fetch(`${op.issuer}/.well-known/openid-configuration`)).rejects.toThrow()
})
