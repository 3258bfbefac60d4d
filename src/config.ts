import { z } from 'zod'

/**
 * A URL whose scheme is one of these, with a host: `z.url()` alone takes `localhost:5432` as a
 * URL of scheme `localhost:`. (Postgres URLs may leave the host to a `?host=/socket/folder`.)
 */
const urlOf = (...protocols: string[]) =>
  z.string().refine((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined
    return url !== undefined && protocols.includes(url.protocol) && (url.host !== '' || url.protocol.startsWith('postgres'))
  })

/** A value as it may be printed: a URL's password never reaches a log. */
function printable(value: string | undefined): string {
  return JSON.stringify(value?.replace(/\/\/([^:/@]*):[^@/]*@/g, '//$1:***@'))
}

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: urlOf('http:', 'https:').optional(),
  DATABASE_URL: urlOf('postgres:', 'postgresql:').optional(),
  DATABASE_LISTEN_URL: urlOf('postgres:', 'postgresql:').optional(),
  DATABASE_READ_URL: z.string().refine((v) => v.split(',').every((url) => urlOf('postgres:', 'postgresql:').safeParse(url.trim()).success)).optional(),
  DATABASE_READ_MAX_LAG_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DATABASE_SLOW_MS: z.coerce.number().int().min(0).max(600_000).default(500),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  PAGE_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(1000),
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  SMTP_URL: urlOf('smtp:', 'smtps:').optional(),
  MAIL_FROM: z.string().min(3).default('Engawa <engawa@localhost>'),
  MAIL_API_KEY: z.string().min(1).optional(),
  MAIL_API_URL: urlOf('http:', 'https:').default('https://api.resend.com/emails'),
  TRUSTED_PROXIES: z.string().default(''),
  OAUTH_GITHUB_CLIENT_ID: z.string().min(1).optional(),
  OAUTH_GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  OAUTH_GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  OAUTH_GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ISSUER: urlOf('http:', 'https:').optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).max(50).default('Single sign-on'),
  OIDC_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  COMMENTS_PER_IP: z.coerce.number().int().min(1).default(60),
  COMMENTS_PER_ACCOUNT: z.coerce.number().int().min(1).default(30),
  LIVE_STREAMS_PER_IP: z.coerce.number().int().min(1).default(30),
  LIVE_STREAMS_PER_PROCESS: z.coerce.number().int().min(1).default(10_000),
  AKISMET_API_KEY: z.string().min(1).optional(),
  AKISMET_URL: urlOf('http:', 'https:').default('https://rest.akismet.com'),
  WEBHOOKS_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(512 * 1024 * 1024),
  SITE_CREATORS: z
    .string()
    .default('admins')
    .refine((v) => v === 'admins' || v === 'accounts' || v.split(',').every((a) => /^[^\s@,]*@[^\s@,]+$/.test(a.trim()))),
})

export interface OAuthClientConfig {
  clientId: string
  clientSecret: string
}

export interface OAuthConfig {
  github?: OAuthClientConfig
  google?: OAuthClientConfig
  /** Any OpenID Connect provider, found by discovery from its issuer URL. */
  oidc?: OAuthClientConfig & { issuer: string; name: string; allowPrivate: boolean }
}

function clientConfig(id: string | undefined, secret: string | undefined, name: string): OAuthClientConfig | undefined {
  if (id === undefined && secret === undefined) return undefined
  if (!id || !secret) throw new ConfigError(`Invalid configuration: set both the client id and secret of ${name}, or neither.`)
  return { clientId: id, clientSecret: secret }
}

export interface Config {
  port: number
  host: string
  /** Engawa's own public origin: mail links, OAuth redirects, the embed snippet. Never taken from Host. */
  publicUrl: string
  /** False when PUBLIC_URL is unset and publicUrl was guessed from HOST and PORT: the server then uses the address it listens on. */
  publicUrlGiven: boolean
  databaseUrl: string | undefined
  /**
   * A direct connection to the same database, for what needs a session of its own: LISTEN and
   * the startup lock. DATABASE_URL unless set (set it when DATABASE_URL is a pooler in transaction mode).
   */
  databaseListenUrl: string | undefined
  /**
   * Streaming replicas for public reads (thread pages, counts, feeds, community pages), taken in
   * turn; empty: the primary serves everything. A replica that cannot be reached is skipped.
   */
  databaseReadUrls: string[]
  /** A replica further behind the primary than this serves no reads until it catches up. */
  databaseReadMaxLagMs: number
  databasePoolSize: number
  /** A statement slower than this is logged with the database that answered it. */
  databaseSlowMs: number
  dataDir: string
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  /** How long a rendered public thread page may be served from memory; at most one second. */
  pageCacheMs: number
  /**
   * A request not answered by then is answered 503 (streams and uploads excepted): a database
   * that stops answering without closing its connections would otherwise hold it for minutes.
   */
  requestDeadlineMs: number
  /** smtp(s)://user:pass@host:port; without it, mails are written to the log. */
  smtpUrl: string | undefined
  mailFrom: string
  /** An HTTP mail API (Resend's, or one that speaks it): how Workers send mail, where SMTP cannot run. */
  mailApi: { url: string; key: string } | undefined
  /** Addresses of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies: ReadonlySet<string>
  oauth: OAuthConfig
  /** Comments one network (IPv4 address, IPv6 /64) and one account may post per 10 minutes, across all sites. */
  commentLimits: { perNetwork: number; perAccount: number }
  /** Live streams one network, and this process in all, may hold open. */
  liveStreamLimits: { perNetwork: number; perProcess: number }
  /** An Akismet-compatible spam service; sites opt in. */
  akismet: { apiKey: string; endpoint: string } | undefined
  /**
   * Lets webhooks reach private, loopback and link-local addresses, and plain http: for tests
   * and closed networks. Off, both are refused at registration and at every delivery (SSRF).
   */
  webhooksAllowPrivate: boolean
  /** The largest export the admin API accepts as an upload; the CLI reads files of any size. */
  importMaxBytes: number
  /**
   * Who may create sites besides instance admins: nobody ('admins'), any account with a verified
   * address ('accounts'), or the listed addresses and `@domain`s.
   */
  siteCreators: 'admins' | 'accounts' | { addresses: ReadonlySet<string>; domains: ReadonlySet<string> }
}

/** What each variable must be, as the one line an operator reads when it is not. */
const EXPECTED: Partial<Record<keyof z.infer<typeof EnvSchema>, string>> = {
  PORT: 'a port number from 0 to 65535',
  PUBLIC_URL: "Engawa's public origin, such as https://comments.example",
  DATABASE_URL: 'a Postgres connection URL, such as postgres://engawa:secret@db.example:5432/engawa',
  DATABASE_LISTEN_URL: 'a Postgres connection URL straight to the database (not through a pooler), such as postgres://engawa:secret@db.example:5432/engawa',
  DATABASE_READ_URL: 'one or more Postgres connection URLs of replicas, separated by commas, such as postgres://engawa:secret@replica1.example/engawa,postgres://engawa:secret@replica2.example/engawa',
  DATABASE_READ_MAX_LAG_MS: 'milliseconds from 100 to 3600000',
  DATABASE_POOL_SIZE: 'a number of connections from 1 to 500',
  DATABASE_SLOW_MS: 'milliseconds from 0 (every statement) to 600000',
  LOG_LEVEL: 'one of debug, info, warn, error, silent',
  PAGE_CACHE_MS: 'milliseconds from 0 to 1000',
  REQUEST_DEADLINE_MS: 'milliseconds from 1000 to 600000',
  SMTP_URL: 'a mail server URL, such as smtps://user:password@smtp.example:465 or smtp://smtp.example:587',
  OIDC_ISSUER: "the provider's issuer URL, such as https://accounts.example",
  MAIL_API_URL: "the mail API's sending URL, such as https://api.resend.com/emails",
  AKISMET_URL: 'an http(s) URL',
  WEBHOOKS_ALLOW_PRIVATE: 'true or false',
  OIDC_ALLOW_PRIVATE: 'true or false',
  COMMENTS_PER_IP: 'a whole number from 1',
  COMMENTS_PER_ACCOUNT: 'a whole number from 1',
  LIVE_STREAMS_PER_IP: 'a whole number from 1',
  LIVE_STREAMS_PER_PROCESS: 'a whole number from 1',
  IMPORT_MAX_BYTES: 'a number of bytes from 1',
  SITE_CREATORS: 'admins, accounts, or a comma-separated list of addresses and @domains, such as ana@blog.example,@newsroom.example',
}

/** A setting that cannot work; its message is the one line to print. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The only code that reads environment variables. Throws a ConfigError that says what to set. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable (DATABASE_URL= in an env file) means unset, as in most tools.
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof typeof EXPECTED
      const expected = EXPECTED[name]
      return expected ? `${name}=${printable(env[name])} is not ${expected}` : `${name}: ${issue.message}`
    })
    throw new ConfigError(`Invalid configuration: ${[...new Set(problems)].join('; ')}.`)
  }
  const e = parsed.data
  if (e.DATABASE_READ_URL && !e.DATABASE_URL) throw new ConfigError('Invalid configuration: DATABASE_READ_URL names replicas of the database in DATABASE_URL; set DATABASE_URL too.')
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: new URL(e.PUBLIC_URL ?? `http://${browsableHost(e.HOST)}:${e.PORT}`).origin,
    publicUrlGiven: e.PUBLIC_URL !== undefined,
    databaseUrl: e.DATABASE_URL,
    databaseListenUrl: e.DATABASE_LISTEN_URL ?? e.DATABASE_URL,
    databaseReadUrls: e.DATABASE_READ_URL ? e.DATABASE_READ_URL.split(',').map((url) => url.trim()) : [],
    databaseReadMaxLagMs: e.DATABASE_READ_MAX_LAG_MS,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseSlowMs: e.DATABASE_SLOW_MS,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    pageCacheMs: e.PAGE_CACHE_MS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailApi: e.MAIL_API_KEY ? { url: e.MAIL_API_URL, key: e.MAIL_API_KEY } : undefined,
    trustedProxies: new Set(e.TRUSTED_PROXIES.split(',').map((a) => a.trim()).filter(Boolean)),
    oauth: oauthConfig(e),
    commentLimits: { perNetwork: e.COMMENTS_PER_IP, perAccount: e.COMMENTS_PER_ACCOUNT },
    liveStreamLimits: { perNetwork: e.LIVE_STREAMS_PER_IP, perProcess: e.LIVE_STREAMS_PER_PROCESS },
    akismet: e.AKISMET_API_KEY ? { apiKey: e.AKISMET_API_KEY, endpoint: e.AKISMET_URL } : undefined,
    webhooksAllowPrivate: e.WEBHOOKS_ALLOW_PRIVATE === 'true',
    importMaxBytes: e.IMPORT_MAX_BYTES,
    siteCreators: parseSiteCreators(e.SITE_CREATORS),
  }
}

function oauthConfig(e: z.infer<typeof EnvSchema>): OAuthConfig {
  const oidc = clientConfig(e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET, 'OIDC')
  if (oidc && !e.OIDC_ISSUER) throw new ConfigError('Invalid configuration: OIDC_ISSUER is needed with OIDC_CLIENT_ID.')
  return {
    github: clientConfig(e.OAUTH_GITHUB_CLIENT_ID, e.OAUTH_GITHUB_CLIENT_SECRET, 'GitHub'),
    google: clientConfig(e.OAUTH_GOOGLE_CLIENT_ID, e.OAUTH_GOOGLE_CLIENT_SECRET, 'Google'),
    oidc: oidc && e.OIDC_ISSUER ? { ...oidc, issuer: e.OIDC_ISSUER.replace(/\/$/, ''), name: e.OIDC_NAME, allowPrivate: e.OIDC_ALLOW_PRIVATE === 'true' } : undefined,
  }
}

/** Where a browser on this machine reaches a server listening on `host`. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

function parseSiteCreators(value: string): Config['siteCreators'] {
  if (value === 'admins' || value === 'accounts') return value
  const entries = value.split(',').map((a) => a.trim().toLowerCase())
  return {
    addresses: new Set(entries.filter((a) => !a.startsWith('@'))),
    domains: new Set(entries.filter((a) => a.startsWith('@')).map((a) => a.slice(1))),
  }
}
