import { CodeChallengeMethod, OAuth2Client } from 'arctic'
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { z } from 'zod'
import { checkProviderUrl, fetchProviderJson } from './provider-fetch.ts'
import { OAuthError, type OAuthProvider } from './provider.ts'

const DiscoveryJson = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
})
type Discovery = z.infer<typeof DiscoveryJson>

/**
 * Any OpenID Connect provider, from its issuer URL: discovery, the code flow with PKCE (S256)
 * and a nonce, and an ID token verified with jose against the provider's published keys, for
 * this issuer and this client. The discovery document must name the issuer we were given, and
 * a callback that says which issuer sent it (RFC 9207) must name it too.
 */
export function openIdConnectProvider(options: {
  id: string
  label: string
  issuer: string
  clientId: string
  clientSecret: string
  /** OIDC_ALLOW_PRIVATE: the provider may sit on a private or loopback address, and on plain http. */
  allowPrivate?: boolean
}): OAuthProvider {
  const allowPrivate = options.allowPrivate ?? false
  let discovered: Promise<{ discovery: Discovery; keys: JWTVerifyGetKey }> | undefined
  const discover = () => {
    discovered ??= (async () => {
      const document = await fetchProviderJson(`${options.issuer}/.well-known/openid-configuration`, allowPrivate)
      const parsed = DiscoveryJson.safeParse(document)
      if (!parsed.success) throw new OAuthError("The sign-in provider's configuration lacks an endpoint Engawa needs.")
      const discovery = parsed.data
      if (discovery.issuer !== options.issuer) throw new OAuthError('The sign-in provider answered for another issuer.')
      // Every endpoint it names is held to the issuer's rules: a document could point anywhere.
      for (const endpoint of [discovery.authorization_endpoint, discovery.token_endpoint, discovery.jwks_uri]) checkProviderUrl(endpoint, allowPrivate)
      return { discovery, keys: createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: 5_000 }) }
    })()
    discovered.catch(() => (discovered = undefined))
    return discovered
  }
  const client = (redirectUri: string) => new OAuth2Client(options.clientId, options.clientSecret, redirectUri)

  return {
    id: options.id,
    label: options.label,
    async authorizationUrl(attempt, redirectUri) {
      const { discovery } = await discover()
      const url = client(redirectUri).createAuthorizationURLWithPKCE(
        discovery.authorization_endpoint,
        attempt.state,
        CodeChallengeMethod.S256,
        attempt.codeVerifier,
        ['openid', 'email', 'profile'],
      )
      url.searchParams.set('nonce', attempt.nonce)
      return url
    },
    async identify(code, attempt, redirectUri, callback) {
      const { discovery, keys } = await discover()
      const iss = callback.get('iss')
      if (iss !== null && iss !== options.issuer) throw new OAuthError('The answer came from another sign-in provider.')
      const tokens = await client(redirectUri).validateAuthorizationCode(discovery.token_endpoint, code, attempt.codeVerifier)
      const { payload } = await jwtVerify(tokens.idToken(), keys, { issuer: options.issuer, audience: options.clientId })
      if (payload.nonce !== attempt.nonce) throw new OAuthError('The sign-in answer does not belong to this attempt.')
      if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== options.clientId)
        throw new OAuthError('The sign-in answer was issued to another application.')
      if (!payload.sub) throw new OAuthError('The sign-in provider did not say who signed in.')
      return {
        subject: payload.sub,
        email: typeof payload.email === 'string' ? payload.email : null,
        emailVerified: payload.email_verified === true,
        name: typeof payload.name === 'string' ? payload.name : null,
      }
    },
  }
}
