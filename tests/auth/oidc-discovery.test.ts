import { createServer, type Server } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { listenOnLoopback, type LoopbackServer } from '../helpers/browser.ts'
import { startApp } from '../helpers/harness.ts'

// An OpenID Connect issuer's discovery is a request Engawa makes on the operator's word, from
// inside their network: it follows no redirect, reads at most 1 MiB, and reaches no private or
// loopback address unless OIDC_ALLOW_PRIVATE says so.

const servers: LoopbackServer[] = []
afterAll(async () => {
  for (const server of servers) await server.close()
})

/** An issuer on loopback whose discovery answers as `answer` says; counts the requests and bytes it sent. */
async function issuer(answer: (res: import('node:http').ServerResponse, origin: string) => void) {
  const seen = { requests: 0, bytes: 0 }
  let origin = ''
  const server: Server = createServer((_req, res) => {
    seen.requests++
    const write = res.write.bind(res)
    res.write = ((chunk: Buffer | string, ...rest: never[]) => {
      seen.bytes += Buffer.byteLength(chunk)
      return write(chunk, ...rest)
    }) as typeof res.write
    answer(res, origin)
  })
  const listening = await listenOnLoopback(server, '127.0.0.1')
  origin = listening.origin
  servers.push(listening)
  return { origin, seen }
}

const discovery = (origin: string) =>
  JSON.stringify({ issuer: origin, authorization_endpoint: `${origin}/auth`, token_endpoint: `${origin}/token`, jwks_uri: `${origin}/jwks` })

forEachBackend((database) => {
  describe('OpenID Connect discovery', () => {
    const startSignIn = async (origin: string, allowPrivate: boolean) => {
      const t = await startApp(database(), { config: { oauth: { oidc: { issuer: origin, clientId: 'c', clientSecret: 's', name: 'Test ID', allowPrivate } } } })
      return t.get('/api/v1/auth/oauth/oidc?returnTo=%2Fauth%2Fpopup', { origin: false })
    }

    it('refuses a loopback issuer unless the operator allows private ones, without asking it anything', async () => {
      const idp = await issuer((res, origin) => res.writeHead(200, { 'content-type': 'application/json' }).end(discovery(origin)))
      const refused = await startSignIn(idp.origin, false)
      expect(refused.status).toBe(502)
      expect((await refused.json()).error.message).toMatch(/not a public https address .*OIDC_ALLOW_PRIVATE/)
      expect(idp.seen.requests).toBe(0)
      const allowed = await startSignIn(idp.origin, true)
      expect(allowed.status).toBe(302)
      expect(allowed.headers.get('location')).toMatch(new RegExp(`^${idp.origin}/auth\\?`))
    })

    it('does not follow a redirect from the discovery document', async () => {
      const target = await issuer((res, origin) => res.writeHead(200, { 'content-type': 'application/json' }).end(discovery(origin)))
      const idp = await issuer((res) => res.writeHead(302, { location: `${target.origin}/.well-known/openid-configuration` }).end())
      const res = await startSignIn(idp.origin, true)
      expect(res.status).toBe(502)
      expect((await res.json()).error.message).toMatch(/redirects \(HTTP 302\)/)
      expect(target.seen.requests).toBe(0)
    })

    it('stops reading a document past 1 MiB, declared or not', async () => {
      const declared = await issuer((res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 << 20) }).end())
      const declaredRes = await startSignIn(declared.origin, true)
      expect((await declaredRes.json()).error.message).toMatch(/larger than 1 MiB/)
      const chunk = Buffer.alloc(64 << 10, 0x20)
      const streamed = await issuer((res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        const pump = () => {
          while (res.write(chunk)) if (streamed.seen.bytes > 50 << 20) return res.end()
        }
        res.on('drain', pump)
        res.on('close', () => res.off('drain', pump))
        pump()
      })
      const streamedRes = await startSignIn(streamed.origin, true)
      expect((await streamedRes.json()).error.message).toMatch(/larger than 1 MiB/)
      // It stopped early: nowhere near the 50 MiB the issuer would have sent.
      expect(streamed.seen.bytes).toBeLessThan(8 << 20)
    })
  })
})
