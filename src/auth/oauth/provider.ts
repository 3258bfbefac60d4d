/** What a provider told us about the person who signed in. */
export interface ExternalIdentity {
  subject: string
  email: string | null
  emailVerified: boolean
  name: string | null
}

export interface SignInAttempt {
  state: string
  codeVerifier: string
  nonce: string
}

/** One sign-in provider: where to send the browser, and who came back. */
export interface OAuthProvider {
  id: string
  label: string
  authorizationUrl(attempt: SignInAttempt, redirectUri: string): Promise<URL>
  /** Exchanges the code (with the attempt's PKCE verifier) and checks everything the provider signed. */
  identify(code: string, attempt: SignInAttempt, redirectUri: string, callback: URLSearchParams): Promise<ExternalIdentity>
}

/** A sign-in the provider refused, or an answer that failed a check; shown to the person. */
export class OAuthError extends Error {}
