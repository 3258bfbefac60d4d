import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { chromium, type Page } from 'playwright-core'

/** Debian's Chromium: the one browser these machines and CI install (STACK-NOTES). */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Flags tried on these machines: no sandbox (containers), and no traffic of Chromium's own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Two cores shared with other test files: slow enough not to flake, short enough to fail fast. */
export const PAGE_TIMEOUT_MS = 15_000

/** Engawa runs on 127.0.0.1; embedding sites on 127.0.0.2, a different origin and a different site. */
export const ENGAWA_ADDRESS = '127.0.0.1'
export const HOST_PAGE_ADDRESS = '127.0.0.2'

/**
 * Chromium's CookieControlsMode profile preference: 0 allows third-party cookies, 1 blocks them
 * (2 blocks them in incognito only). Tried here: every context made by `browser.newContext()` of
 * a persistent profile reads it, popups and iframes included, from their first request on. The
 * CDP alternative, Network.setCookieControls, is per target, needs Network.enable on the same
 * session first (without it the command succeeds and changes nothing), cannot allow what the
 * profile blocks, and reaches a popup only after its first navigation has begun.
 */
const COOKIE_CONTROLS_MODE = { allowed: 0, blocked: 1 } as const

export type ThirdPartyCookies = keyof typeof COOKIE_CONTROLS_MODE

export interface LaunchOptions {
  /** `blocked` (the default) is what browsers are heading to; `allowed` is for control experiments. */
  thirdPartyCookies?: ThirdPartyCookies
  executablePath?: string
  /** Whether a missing Chromium is an error; defaults to whether CI is set. */
  ci?: boolean
}

export interface BrowserHandle {
  /** A page in a fresh browser context: its own cookie jar, like a new visitor. Popups share it. */
  newPage(): Promise<Page>
  /** Closes Chromium and removes its temporary profile. */
  close(): Promise<void>
}

export type BrowserAvailability = { available: true } | { available: false; reason: string }

/** CI providers set CI to `true`, `1` or a name; `false`, `0` or empty mean a local run. */
export function isCI(env: { CI?: string | undefined } = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase()
  return Boolean(ci) && ci !== 'false' && ci !== '0'
}

/**
 * Whether this machine can run browser tests. Under CI a missing Chromium throws instead, so a
 * suite guarded by `describe.skipIf(!browserAvailability().available)` fails rather than
 * passing with its browser tests quietly skipped.
 */
export function browserAvailability({ executablePath = CHROMIUM_PATH, ci = isCI() } = {}): BrowserAvailability {
  try {
    accessSync(executablePath, constants.X_OK)
    return { available: true }
  } catch (error) {
    const reason = `no executable Chromium at ${executablePath} (${error instanceof Error ? error.message : String(error)}); install Debian's chromium package`
    if (ci) throw new Error(`Browser tests must run under CI, but ${reason}`)
    return { available: false, reason }
  }
}

/**
 * Launches Chromium headless with third-party cookies blocked by its profile, or returns
 * undefined, saying why, when Chromium is missing outside CI (under CI that throws).
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserHandle | undefined> {
  const { thirdPartyCookies = 'blocked', executablePath = CHROMIUM_PATH, ci = isCI() } = options
  const availability = browserAvailability({ executablePath, ci })
  if (!availability.available) {
    console.warn(`Skipping browser tests: ${availability.reason}`)
    return undefined
  }
  const profile = createProfile(thirdPartyCookies)
  const removeProfile = () => rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
  const persistent = await chromium
    .launchPersistentContext(profile, { executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 })
    .catch((error: unknown) => {
      removeProfile()
      throw error
    })
  const close = async () => {
    await persistent.close()
    removeProfile()
  }
  const browser = persistent.browser()
  if (!browser) {
    await close()
    throw new Error('Playwright gave no Browser for the persistent context, so pages cannot be isolated')
  }
  return {
    newPage: async () => {
      const context = await browser.newContext()
      // An uncaught error in a page or popup would otherwise surface only as a timeout.
      context.on('weberror', (error) => console.error(`Uncaught in ${error.page()?.url()}:`, error.error()))
      context.setDefaultTimeout(PAGE_TIMEOUT_MS)
      context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS)
      return context.newPage()
    },
    close,
  }
}

function createProfile(thirdPartyCookies: ThirdPartyCookies): string {
  const profile = mkdtempSync(join(tmpdir(), 'engawa-chromium-'))
  mkdirSync(join(profile, 'Default'))
  const preferences = { profile: { cookie_controls_mode: COOKIE_CONTROLS_MODE[thirdPartyCookies] } }
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify(preferences))
  return profile
}

export interface LoopbackServer {
  /** `http://127.0.0.x:port`, without a trailing slash. */
  origin: string
  close(): Promise<void>
}

/** Listens on a loopback address and a free port; close() also drops Chromium's keep-alive sockets. */
export async function listenOnLoopback(server: Server, address: string): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, address, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address()
  if (bound === null || typeof bound === 'string') throw new Error(`Expected a TCP address, got ${bound}`)
  return {
    origin: `http://${address}:${bound.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
      server.closeAllConnections()
      await closed
    },
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Serves a test's "embedding site" on 127.0.0.2: `files` maps paths (`/index.html`, `embed.js`)
 * to their text, and `/` serves `/index.html`; `files` is read at each request.
 */
export async function serveHostPage(files: Record<string, string>): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    // Read per request: a test may fill in a page once it knows what goes in it (an origin, a snippet).
    const byPath = new Map(Object.entries(files).map(([path, body]) => [path.startsWith('/') ? path : `/${path}`, body]))
    const requested = new URL(req.url ?? '/', 'http://host.invalid').pathname
    const path = requested === '/' ? '/index.html' : requested
    const body = byPath.get(path)
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`${path} is not one of this page's files`)
      return
    }
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream'
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
  })
  return listenOnLoopback(server, HOST_PAGE_ADDRESS)
}

/** In Engawa's sign-in popup: creates an account, up to "Check your mail". */
export async function signUpInPopup(popup: Page, displayName: string, email: string, password = 'correct horse battery staple') {
  await popup.click('text=Create an account')
  await popup.fill('input[name=displayName]', displayName)
  await popup.fill('[data-view=signup] input[name=email]', email)
  await popup.fill('[data-view=signup] input[name=password]', password)
  await popup.click('text=Create account')
  await popup.waitForSelector('text=Check your mail')
}
