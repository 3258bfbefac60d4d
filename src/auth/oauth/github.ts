import { CodeChallengeMethod, OAuth2Client } from 'arctic'
import { OAuthError, type OAuthProvider } from './provider.ts'

interface GitHubUser {
  id: number
  login: string
  name: string | null
}

interface GitHubEmail {
  email: string
  primary: boolean
  verified: boolean
}

/** GitHub is OAuth 2 without OpenID Connect: who signed in comes from its API, the address from /user/emails. */
export function gitHubProvider(options: { clientId: string; clientSecret: string }): OAuthProvider {
  const client = (redirectUri: string) => new OAuth2Client(options.clientId, options.clientSecret, redirectUri)
  const api = async <T>(path: string, accessToken: string): Promise<T> => {
    const response = await fetch(`https://api.github.com${path}`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'Engawa' },
      signal: AbortSignal.timeout(10_000),
    })
    if (!response.ok) throw new OAuthError(`GitHub did not answer (HTTP ${response.status}).`)
    return (await response.json()) as T
  }
  return {
    id: 'github',
    label: 'GitHub',
    async authorizationUrl(attempt, redirectUri) {
      return client(redirectUri).createAuthorizationURLWithPKCE(
        'https://github.com/login/oauth/authorize',
        attempt.state,
        CodeChallengeMethod.S256,
        attempt.codeVerifier,
        ['read:user', 'user:email'],
      )
    },
    async identify(code, attempt, redirectUri) {
      const tokens = await client(redirectUri).validateAuthorizationCode(
        'https://github.com/login/oauth/access_token',
        code,
        attempt.codeVerifier,
      )
      const user = await api<GitHubUser>('/user', tokens.accessToken())
      const emails = await api<GitHubEmail[]>('/user/emails', tokens.accessToken())
      const primary = emails.find((e) => e.primary) ?? emails.find((e) => e.verified)
      return {
        subject: String(user.id),
        email: primary?.email ?? null,
        emailVerified: primary?.verified === true,
        name: user.name ?? user.login,
      }
    },
  }
}
