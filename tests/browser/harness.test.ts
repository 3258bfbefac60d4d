import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ENGAWA_ADDRESS,
  browserAvailability,
  isCI,
  launchBrowser,
  listenOnLoopback,
  serveHostPage,
  type BrowserHandle,
  type LoopbackServer,
} from '../helpers/browser.ts'

const MISSING_CHROMIUM = '/nonexistent/chromium'

describe('browser availability', () => {
  it.each([
    { value: 'true', expected: true },
    { value: '1', expected: true },
    { value: 'woodpecker', expected: true },
    { value: 'false', expected: false },
    { value: '0', expected: false },
    { value: '', expected: false },
    { value: undefined, expected: false },
  ])('treats CI=$value as a CI run: $expected', ({ value, expected }) => {
    expect(isCI({ CI: value })).toBe(expected)
  })

  it('skips, saying why, when Chromium is missing outside CI', async () => {
    const availability = browserAvailability({ executablePath: MISSING_CHROMIUM, ci: false })
    expect(availability).toEqual({ available: false, reason: expect.stringContaining(MISSING_CHROMIUM) })
    await expect(launchBrowser({ executablePath: MISSING_CHROMIUM, ci: false })).resolves.toBeUndefined()
  })

  it('fails, never skips, when Chromium is missing under CI', async () => {
    expect(() => browserAvailability({ executablePath: MISSING_CHROMIUM, ci: true })).toThrow(/must run under CI/)
    await expect(launchBrowser({ executablePath: MISSING_CHROMIUM, ci: true })).rejects.toThrow(/must run under CI/)
  })
})

interface ProbeRequest {
  run: string
  via: string
  /** Sec-Fetch-Site: `none` for a typed-in visit, `cross-site` from a page on 127.0.0.2. */
  site: string
  cookies: string[]
}

/**
 * Engawa's stand-in on 127.0.0.1: it sets cookies, records which came back, and serves the
 * sign-in popup. Every request names its test (`run`) and step (`via`).
 */
async function startProbe(): Promise<LoopbackServer & { seen(run: string, via: string): ProbeRequest }> {
  const requests: ProbeRequest[] = []
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engawa.invalid')
    const cookies = (req.headers.cookie ?? '').split(';').map((pair) => pair.split('=')[0]?.trim() ?? '')
    const run = url.searchParams.get('run') ?? ''
    const via = url.searchParams.get('via') ?? ''
    requests.push({ run, via, site: String(req.headers['sec-fetch-site']), cookies: cookies.filter(Boolean).sort() })
    // Credentialed CORS for whoever asks, so the host page can read what came back.
    const origin = req.headers.origin
    const cors = origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } : {}
    const name = url.searchParams.get('name') ?? ''
    if (url.pathname === '/set' && /^[a-z]+$/.test(name)) {
      res.setHeader('set-cookie', [
        // Chromium stores Secure cookies from http://127.0.0.1 (loopback is a secure context), so
        // this one could cross sites: only the third-party cookie setting can keep it home.
        `${name}_none=${run}; SameSite=None; Secure; Path=/`,
        // Never sent cross-site whatever the setting; the session cookie of a first-party flow.
        `${name}_lax=${run}; SameSite=Lax; Path=/`,
        // Refused outright: SameSite=None requires Secure.
        `${name}_insecure=${run}; SameSite=None; Path=/`,
      ])
      res.writeHead(200, { ...cors, 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><p>cookies set</p>')
    } else if (url.pathname === '/probe') {
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify({ cookies: requests.at(-1)?.cookies }))
    } else if (url.pathname === '/popup') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(popupPage(url.searchParams.get('opener') ?? ''))
    } else {
      res.writeHead(404).end()
    }
  })
  const listening = await listenOnLoopback(server, ENGAWA_ADDRESS)
  return {
    ...listening,
    seen: (run, via) => {
      const request = requests.find((r) => r.run === run && r.via === via)
      if (!request) throw new Error(`The probe never saw ${via} for ${run}`)
      return request
    },
  }
}

/**
 * The sign-in popup: it posts to its opener twice, first naming another origin as the target
 * (the browser must drop that message), then the opener's, and closes itself. Engawa's real
 * popup takes the target from the site's settings, never from the query string as here.
 */
function popupPage(openerOrigin: string): string {
  const target = JSON.stringify(openerOrigin).replaceAll('<', '\\u003c')
  return `<!doctype html><title>Sign in</title><script>
window.opener.postMessage({ type: 'engawa:signed-in', token: 'for-someone-else' }, 'http://127.0.0.3:9')
window.opener.postMessage({ type: 'engawa:signed-in', token: 'popup-token' }, ${target})
window.close()
</script>`
}

const HOST_FILES = {
  '/embed.html': '<!doctype html><title>Article</title><script type="module" src="/embed.js"></script>',
  '/embed.js': `
const params = new URLSearchParams(location.search)
const engawa = params.get('engawa')
const run = params.get('run')
const frame = (path) => new Promise((resolve) => {
  const iframe = document.createElement('iframe')
  iframe.addEventListener('load', resolve, { once: true })
  iframe.src = engawa + path
  document.body.append(iframe)
})
;(async () => {
  await frame('/set?name=embedded&via=frame-set&run=' + run)
  await frame('/probe?via=frame&run=' + run)
  const response = await fetch(engawa + '/probe?via=fetch&run=' + run, { credentials: 'include' })
  window.embedResult = await response.json()
})()`,
  '/sign-in.html': '<!doctype html><title>Article</title><button id="sign-in">Sign in</button><script type="module" src="/sign-in.js"></script>',
  '/sign-in.js': `
const engawa = new URLSearchParams(location.search).get('engawa')
window.messages = []
addEventListener('message', (event) => window.messages.push({ origin: event.origin, data: event.data }))
document.getElementById('sign-in').addEventListener('click', () => {
  window.open(engawa + '/popup?opener=' + encodeURIComponent(location.origin), 'engawa-sign-in', 'popup,width=480,height=640')
})`,
}

const availability = browserAvailability()

describe.skipIf(!availability.available)(
  `two-origin browser harness${availability.available ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let probe: Awaited<ReturnType<typeof startProbe>> | undefined
    let host: LoopbackServer | undefined
    let browser: BrowserHandle | undefined
    const opened: BrowserHandle[] = []

    beforeAll(async () => {
      ;[probe, host, browser] = await Promise.all([startProbe(), serveHostPage(HOST_FILES), launchBrowser()])
    })
    afterAll(async () => {
      await Promise.all([browser, ...opened].map((b) => b?.close()))
      await Promise.all([probe?.close(), host?.close()])
    })

    const ready = () => {
      if (!probe || !host || !browser) throw new Error('The harness did not start')
      return { probe, host, browser }
    }

    /** A visitor who once used Engawa first-party, now reading an article on another site that embeds it. */
    async function visitThenEmbed(page: Page, run: string) {
      const { probe, host } = ready()
      await page.goto(`${probe.origin}/set?name=first&via=top&run=${run}`)
      await page.goto(`${host.origin}/embed.html?engawa=${encodeURIComponent(probe.origin)}&run=${run}`)
      const fetched = await (await page.waitForFunction('window.embedResult')).jsonValue()
      const jar = (await page.context().cookies()).map((c) => c.name).sort()
      return { fetched, jar, seen: (via: string) => probe.seen(run, via) }
    }

    it('keeps a first-party cookie, Lax or None, on 127.0.0.1', async () => {
      const { probe, browser } = ready()
      const page = await browser.newPage()
      const run = randomUUID()
      await page.goto(`${probe.origin}/set?name=first&via=top&run=${run}`)
      await page.goto(`${probe.origin}/probe?via=again&run=${run}`)
      expect(probe.seen(run, 'again')).toMatchObject({ site: 'none', cookies: ['first_lax', 'first_none'] })
      expect((await page.context().cookies()).map((c) => c.name).sort()).toEqual(['first_lax', 'first_none'])
    })

    it('sends and stores no third-party cookie for a page on 127.0.0.2 (iframe or credentialed fetch)', async () => {
      const page = await ready().browser.newPage()
      const { fetched, jar, seen } = await visitThenEmbed(page, randomUUID())
      expect(seen('top')).toMatchObject({ site: 'none', cookies: [] })
      for (const via of ['frame-set', 'frame', 'fetch'])
        expect(seen(via), via).toMatchObject({ site: 'cross-site', cookies: [] })
      expect(fetched).toEqual({ cookies: [] })
      // The first-party cookies exist but stayed home; the iframe's own were refused.
      expect(jar).toEqual(['first_lax', 'first_none'])
    })

    it('would see the None cookie cross-site if the profile allowed third-party cookies (the probe is not blind)', async () => {
      const permissive = await launchBrowser({ thirdPartyCookies: 'allowed' })
      if (!permissive) throw new Error('Chromium went missing mid-run')
      opened.push(permissive)
      const { fetched, jar, seen } = await visitThenEmbed(await permissive.newPage(), randomUUID())
      expect(seen('frame-set')).toMatchObject({ site: 'cross-site', cookies: ['first_none'] })
      for (const via of ['frame', 'fetch'])
        expect(seen(via), via).toMatchObject({ site: 'cross-site', cookies: ['embedded_none', 'first_none'] })
      expect(fetched).toEqual({ cookies: ['embedded_none', 'first_none'] })
      expect(jar).toEqual(['embedded_none', 'first_lax', 'first_none'])
    })

    it('delivers a sign-in popup’s postMessage to its opener, and only for the named target origin', async () => {
      const { probe, host, browser } = ready()
      const page = await browser.newPage()
      await page.goto(`${host.origin}/sign-in.html?engawa=${encodeURIComponent(probe.origin)}`)
      const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#sign-in')])
      expect(new URL(popup.url()).origin).toBe(probe.origin)
      await page.waitForFunction('window.messages.length > 0')
      // Messages from one window arrive in order, so had the first (for 127.0.0.3) not been
      // dropped it would be here, ahead of the one we want.
      expect(await page.evaluate('window.messages')).toEqual([
        { origin: probe.origin, data: { type: 'engawa:signed-in', token: 'popup-token' } },
      ])
      if (!popup.isClosed()) await popup.waitForEvent('close')
    })
  },
)
