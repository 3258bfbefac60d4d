import { hostOf, isAddressAllowed, type AddressPolicy } from '../http/address-policy.ts'
import { problemWithUrl, refusedAddressMessage } from './endpoint-rules.ts'

// What sends one signed delivery, on Node (http-sender.ts) and on Workers (fetch-sender.ts).

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
/** Enough of an answer's body for the delivery log: the rest is never downloaded. */
export const EXCERPT_BYTES = 4096

/** An answer, in the delivery log's words: 2xx succeeds; a redirect is never followed. */
export function describeAnswer(statusCode: number, location: string | null | undefined, body: string): Omit<WebhookResponse, 'durationMs'> {
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_CHARS)
  const error =
    statusCode >= 200 && statusCode < 300
      ? null
      : statusCode >= 300 && statusCode < 400
        ? `Redirect (${statusCode}) to ${location ?? 'nowhere'} not followed: give the final URL.`.slice(0, 300)
        : `The endpoint answered ${statusCode}.`
  return { statusCode, error, excerpt }
}

/**
 * The endpoint to send to, or why not: its form (endpoint-rules.ts), or an IP address written
 * into it that may not be reached. (A name's addresses are the sender's to check as it connects.)
 */
export function endpointOf(text: string, policy: AddressPolicy): URL | string {
  if (!URL.canParse(text)) return 'The endpoint URL is not valid.'
  const url = new URL(text)
  const problem = problemWithUrl(url, policy)
  if (problem) return problem
  const host = hostOf(url)
  // The URL parser writes every IPv4 form as four decimals, and IPv6 in brackets.
  const literal = /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')
  return literal && !isAddressAllowed(host, policy) ? refusedAddressMessage(host, host) : url
}
