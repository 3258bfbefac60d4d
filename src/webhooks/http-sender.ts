import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { isAddressAllowed, type AddressPolicy } from '../http/address-policy.ts'
import { refusedAddressMessage } from './endpoint-rules.ts'
import { describeAnswer, endpointOf, EXCERPT_BYTES, type WebhookResponse, type WebhookSender } from './webhook-sender.ts'

// Node only (server.ts and the CLI make it): sends one signed delivery over node:http(s).
// The address is checked where the connection is made: node:net asks our `lookup` for the
// host's addresses and connects to what it returns, so the address checked is the address
// used, and a name that resolved to a public address at registration but to 127.0.0.1 now
// (DNS rebinding) is refused. An IP literal is never looked up, so it is checked before.
// Redirects are never followed (node:http does not): a 3xx is a failed attempt, so an endpoint
// cannot bounce a delivery to an internal address.

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
      const url = endpointOf(req.url, policy)
      if (typeof url === 'string') return Promise.resolve(failed(url))

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
            finish({ ...describeAnswer(res.statusCode ?? 0, res.headers.location, Buffer.concat(chunks).toString('utf8')), durationMs: elapsed() })
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
