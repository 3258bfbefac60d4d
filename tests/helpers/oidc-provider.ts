import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import type Provider from 'oidc-provider'
import type { Adapter, AdapterPayload, Configuration, KoaContextWithOIDC } from 'oidc-provider'

export interface OidcAccount {
  id: string
  email: string
  emailVerified: boolean
  name: string
}

export interface SignInOptions {
  /** What the user answers on the consent page; `deny` sends the client `error=access_denied`. */
  consent?: 'grant' | 'deny'
}

export interface TestOidcProvider {
  /** e.g. http://127.0.0.1:PORT; discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string
  clientId: string
  clientSecret: string
  /**
   * Follows the authorization URL through the provider's login and consent as `accountId`, returns
   * the redirect URL (the client's callback with code & state, or an error). Each call is a fresh
   * browser: its own cookie jar, so it signs in and consents again. Throws if the provider answers
   * with a page instead of a redirect (an unknown account, or a request it will not send back to
   * the client, such as an unregistered redirect_uri).
   */
  signIn(authorizationUrl: string, accountId: string, options?: SignInOptions): Promise<URL>
  close(): Promise<void>
}

/**
 * A real `oidc-provider` on loopback port 0 with one confidential client: authorization code flow,
 * PKCE S256 required, client_secret_basic (what arctic's OAuth2Client sends when given a secret),
 * scopes openid email profile. `email`, `email_verified` and `name` are in the id_token itself.
 * Configured so it never prints: our own adapter, keys, TTLs, error page and interaction routes
 * replace the defaults that log a notice when used.
 */
export async function startOidcProvider(options: {
  redirectUris: string[]
  accounts: OidcAccount[]
  issuerHost?: string
}): Promise<TestOidcProvider> {
  const clientId = 'engawa-test'
  const clientSecret = randomBytes(24).toString('base64url')
  const accounts = new Map(options.accounts.map((account) => [account.id, account]))
  const Provider = await loadProvider()
  const configuration = await configure({ clientId, clientSecret, redirectUris: options.redirectUris, accounts })

  // The issuer must contain the port, so bind first and attach the provider once it exists.
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const issuer = `http://${options.issuerHost ?? '127.0.0.1'}:${port}`
  const provider = new Provider(issuer, configuration)
  provider.use(interactionRoutes(provider, accounts))
  server.on('request', provider.callback())

  return {
    issuer,
    clientId,
    clientSecret,
    signIn: (url, accountId, signInOptions = {}) => driveSignIn(issuer, url, accountId, signInOptions.consent ?? 'grant'),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

// oidc-provider 9 warns once, on import, that Node 20 is older than the Node 22 it supports; the
// flows used here run fine on it (STACK-NOTES). Drop that one line and let any other through. The
// promise is shared so two concurrent starts cannot interleave swapping console.warn.
let loading: Promise<typeof Provider> | undefined
function loadProvider(): Promise<typeof Provider> {
  loading ??= (async () => {
    const warn = console.warn
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return
      warn(...args)
    }
    try {
      return (await import('oidc-provider')).default
    } finally {
      console.warn = warn
    }
  })()
  return loading
}

async function configure(input: {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  accounts: Map<string, OidcAccount>
}): Promise<Configuration> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-rs256', alg: 'RS256', use: 'sig' }
  return {
    clients: [
      {
        client_id: input.clientId,
        client_secret: input.clientSecret,
        redirect_uris: input.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    adapter: createMemoryAdapter(),
    // Only these claims exist; each scope releases its own.
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The default (true) puts scope-released claims only in userinfo once an access token is
    // issued, as it is for response_type=code; Engawa reads them from the id_token instead.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount(_ctx, sub) {
      const account = input.accounts.get(sub)
      if (!account) return undefined
      return {
        accountId: account.id,
        claims: () => ({ sub: account.id, email: account.email, email_verified: account.emailVerified, name: account.name }),
      }
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    renderError(ctx, out) {
      ctx.type = 'json'
      ctx.body = out
    },
    clientBasedCORS: () => false,
  }
}

/**
 * The provider's login and consent pages: GET shows a form naming the prompt, POST answers it
 * with `provider.interactionResult`, whose redirect resumes the authorization request.
 */
function interactionRoutes(provider: Provider, accounts: Map<string, OidcAccount>) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => {
    const uid = /^\/interaction\/([\w-]+)$/.exec(ctx.path)?.[1]
    if (!uid) return next()
    const interaction = await provider.interactionDetails(ctx.req, ctx.res)
    const prompt = interaction.prompt.name
    if (ctx.method === 'GET') {
      ctx.type = 'html'
      ctx.body = `<form method="post" action="/interaction/${uid}" data-prompt="${prompt}"></form>`
      return
    }
    if (ctx.method !== 'POST') return next()
    const form = new URLSearchParams(await readBody(ctx.req))
    let returnTo: string
    if (prompt === 'login') {
      const accountId = form.get('accountId') ?? ''
      if (!accounts.has(accountId)) {
        ctx.status = 401
        ctx.body = 'unknown account'
        return
      }
      returnTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId } }, { mergeWithLastSubmission: false })
    } else if (prompt === 'consent' && form.get('consent') === 'deny') {
      const denied = { error: 'access_denied', error_description: 'The user refused.' }
      returnTo = await provider.interactionResult(ctx.req, ctx.res, denied, { mergeWithLastSubmission: false })
    } else if (prompt === 'consent') {
      const accountId = interaction.session?.accountId
      const grant = interaction.grantId
        ? await provider.Grant.find(interaction.grantId)
        : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) })
      if (!grant) throw new Error('the interaction names a grant that no longer exists')
      const { missingOIDCScope, missingOIDCClaims } = interaction.prompt.details
      if (isStrings(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(' '))
      if (isStrings(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims)
      returnTo = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId: await grant.save() } })
    } else {
      throw new Error(`no page for the ${prompt} prompt`)
    }
    ctx.status = 303
    ctx.redirect(returnTo)
  }
}

async function driveSignIn(issuer: string, start: string, accountId: string, consent: 'grant' | 'deny'): Promise<URL> {
  const jar = new CookieJar()
  let url = new URL(start)
  let init: RequestInit = {}
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header(url) } })
    jar.store(url, res.headers.getSetCookie())
    const location = res.headers.get('location')
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel()
      url = new URL(location, url)
      init = {}
      // Leaving the provider is the answer: the client's callback, with a code or an error.
      if (url.origin !== new URL(issuer).origin) return url
      continue
    }
    const body = await res.text()
    const prompt = /data-prompt="(\w+)"/.exec(body)?.[1]
    if (res.status !== 200 || !prompt) throw new Error(`the provider answered ${url.pathname} with ${res.status}: ${body.slice(0, 300)}`)
    const answer: Record<string, string> = prompt === 'login' ? { accountId } : { consent }
    init = { method: 'POST', body: new URLSearchParams(answer), headers: { 'content-type': 'application/x-www-form-urlencoded' } }
  }
  throw new Error('the sign-in did not leave the provider within 20 requests')
}

/** Enough of RFC 6265 for one host: name, value, Path, and deletion by Max-Age or Expires. */
class CookieJar {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>()

  store(url: URL, setCookies: string[]) {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1)
      const path = attribute('path') || url.pathname.replace(/\/[^/]*$/, '') || '/'
      const expires = attribute('expires')
      const isExpired = attribute('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now())
      const key = `${path} ${name}`
      if (isExpired) this.#cookies.delete(key)
      else this.#cookies.set(key, { name, value, path })
    }
  }

  header(url: URL): string {
    const matches = (path: string) =>
      url.pathname === path || url.pathname.startsWith(path.endsWith('/') ? path : `${path}/`)
    return [...this.#cookies.values()]
      .filter((cookie) => matches(cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ')
  }
}

/**
 * oidc-provider's own memory adapter announces itself on stdout, so this is a quiet one. Codes are
 * still single use: the provider marks them `consumed` here and refuses a consumed code.
 */
function createMemoryAdapter() {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>()
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`
    const read = (id: string) => {
      const entry = store.get(key(id))
      if (entry && entry.expiresAt <= Date.now()) store.delete(key(id))
      return entry && entry.expiresAt > Date.now() ? entry.payload : undefined
    }
    const findWhere = (match: (payload: AdapterPayload) => boolean) => {
      const found = [...store.keys()].find((k) => k.startsWith(`${model}:`) && match(store.get(k)?.payload ?? {}))
      return found ? read(found.slice(model.length + 1)) : undefined
    }
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity })
      },
      find: async (id) => read(id),
      findByUid: async (uid) => findWhere((payload) => payload.uid === uid),
      findByUserCode: async (userCode) => findWhere((payload) => payload.userCode === userCode),
      async consume(id) {
        const payload = read(id)
        if (payload) payload.consumed = Math.floor(Date.now() / 1000)
      },
      async destroy(id) {
        store.delete(key(id))
      },
      async revokeByGrantId(grantId) {
        for (const [k, { payload }] of store) if (payload.grantId === grantId && !k.startsWith('Grant:')) store.delete(k)
      },
    }
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

async function readBody(req: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}
