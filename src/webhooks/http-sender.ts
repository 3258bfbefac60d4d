import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { hostOf, isAddressAllowed, type AddressPolicy } from '../http/address-policy.ts'
import { problemWithUrl, refusedAddressMessage } from './endpoint-rules.ts'

// Node only (server.ts and the CLI make it): sends one signed delivery over node:http(s).
// The address is checked where the connection is made: node:net asks our `lookup` for the
// host's addresses and connects to what it returns, so the address checked is the address
// used, and a name that resolved to a public address at registration but to 127.0.0.1 now
// (DNS rebinding) is refused. An IP literal is never looked up, so it is checked before.
// Redirects are never followed (node:http does not): a 3xx is a failed attempt, so an endpoint
// cannot bounce a delivery to an internal address.

export interface WebhookRequest {
  url: string
  headers: Record<string, string>
  body: string
}

export interface WebhookResponse {
  /** The HTTP status, when an answer came. */
  statusCode: number | null
  /** Why it failed, when it did (a status other than 2xx included). */
  error: string | null
  /** The start of the answer's body, on one line. */
  excerpt: string
  durationMs: number
}

export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>
}

const EXCERPT_CHARS = 300
const EXCERPT_BYTES = 4096

class AddressRefused extends Error {
  readonly code = 'EADDRREFUSED'
}

/** A `lookup` that fails when any of the host's addresses is not allowed. */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      const refused = addresses.find((a) => !isAddressAllowed(a.address, policy))
      if (refused) return callback(new AddressRefused(refusedAddressMessage(hostname, refused.address)), '', 0)
      const first = addresses[0]
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      else callback(null, first.address, first.family)
    })
  }
}

export function createHttpSender(options: AddressPolicy & { timeoutMs?: number }): WebhookSender {
  const policy: AddressPolicy = { allowPrivate: options.allowPrivate }
  const timeoutMs = options.timeoutMs ?? 10_000
  const lookup = guardedLookup(policy)

  return {
    send(req) {
      const started = performance.now()
      const elapsed = () => Math.round(performance.now() - started)
      const failed = (error: string): WebhookResponse => ({ statusCode: null, error, excerpt: '', durationMs: elapsed() })
      let url: URL
      try {
        url = new URL(req.url)
      } catch {
        return Promise.resolve(failed('The endpoint URL is not valid.'))
      }
      const problem = problemWithUrl(url, policy)
      if (problem) return Promise.resolve(failed(problem))
      const host = hostOf(url)
      if (isIP(host) && !isAddressAllowed(host, policy)) return Promise.resolve(failed(refusedAddressMessage(host, host)))

      return new Promise<WebhookResponse>((resolve) => {
        let settled = false
        const finish = (response: WebhookResponse) => {
          if (settled) return
          settled = true
          clearTimeout(deadline)
          resolve(response)
        }
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest
        const outgoing = send(url, {
          method: 'POST',
          headers: { ...req.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body), 'user-agent': 'Engawa-Webhooks/1' },
          lookup,
          // A fresh connection each time: no pooled socket outlives the address check.
          agent: false,
        })
        // One deadline for connecting, the answer and its body: a slow endpoint cannot hold the worker.
        const deadline = setTimeout(() => {
          outgoing.destroy()
          finish(failed(`No answer within ${Math.round(timeoutMs / 1000)} s.`))
        }, timeoutMs)
        outgoing.on('error', (error: NodeJS.ErrnoException) => {
          finish(failed(error instanceof AddressRefused ? error.message : `${error.code ?? 'network error'}: ${error.message}`.slice(0, 300)))
        })
        outgoing.on('response', (res: IncomingMessage) => {
          const chunks: Buffer[] = []
          let size = 0
          const done = () => {
            const statusCode = res.statusCode ?? 0
            const excerpt = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, EXCERPT_CHARS)
            const isOk = statusCode >= 200 && statusCode < 300
            const error = isOk
              ? null
              : statusCode >= 300 && statusCode < 400
                ? `Redirect (${statusCode}) to ${res.headers.location ?? 'nowhere'} not followed: give the final URL.`.slice(0, 300)
                : `The endpoint answered ${statusCode}.`
            finish({ statusCode, error, excerpt, durationMs: elapsed() })
            res.destroy()
          }
          res.on('data', (chunk: Buffer) => {
            if (size < EXCERPT_BYTES) chunks.push(chunk)
            size += chunk.length
            // Enough read for the log: stop downloading whatever else it sends.
            if (size >= EXCERPT_BYTES) done()
          })
          res.on('end', done)
          res.on('error', done)
        })
        outgoing.end(req.body)
      })
    },
  }
}
