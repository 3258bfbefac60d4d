import type { AddressPolicy } from '../http/address-policy.ts'
import { describeAnswer, endpointOf, EXCERPT_BYTES, type WebhookResponse, type WebhookSender } from './webhook-sender.ts'

/**
 * Sends one signed delivery with fetch, for Workers (no node:http there). The URL's form and any
 * IP address written into it are checked as on Node; a name is resolved by Cloudflare's network,
 * from which a Worker cannot reach private or loopback addresses, so DNS rebinding leads nowhere.
 * Redirects are not followed: a 3xx is a failed attempt.
 */
export function createFetchSender(options: AddressPolicy & { timeoutMs?: number }): WebhookSender {
  const policy: AddressPolicy = { allowPrivate: options.allowPrivate }
  const timeoutMs = options.timeoutMs ?? 10_000
  return {
    async send(req) {
      const started = performance.now()
      const answer = (response: Omit<WebhookResponse, 'durationMs'>): WebhookResponse => ({ ...response, durationMs: Math.round(performance.now() - started) })
      const url = endpointOf(req.url, policy)
      if (typeof url === 'string') return answer({ statusCode: null, error: url, excerpt: '' })
      try {
        // One deadline for connecting, the answer and its body: a slow endpoint cannot hold the round.
        const signal = AbortSignal.timeout(timeoutMs)
        const res = await fetch(url, {
          method: 'POST',
          headers: { ...req.headers, 'content-type': 'application/json', 'user-agent': 'Engawa-Webhooks/1' },
          body: req.body,
          redirect: 'manual',
          signal,
        })
        return answer(describeAnswer(res.status, res.headers.get('location'), await excerptOf(res)))
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        return answer({ statusCode: null, error: timedOut ? `No answer within ${Math.round(timeoutMs / 1000)} s.` : `network error: ${String(error)}`.slice(0, 300), excerpt: '' })
      }
    },
  }
}

/** The start of the body, then the rest left undownloaded. */
async function excerptOf(res: Response): Promise<string> {
  const reader = res.body?.getReader()
  if (!reader) return ''
  const decoder = new TextDecoder()
  let text = ''
  for (let size = 0; size < EXCERPT_BYTES; ) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    size += value.length
  }
  void reader.cancel().catch(() => undefined)
  return text
}
