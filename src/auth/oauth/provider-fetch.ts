import { hostOf, isAddressAllowed } from '../../http/address-policy.ts'
import { OAuthError } from './provider.ts'

/** A discovery document is a few kilobytes; a provider that sends more is not one to trust. */
const MAX_DOCUMENT_BYTES = 1 << 20
const FETCH_TIMEOUT_MS = 5_000

/**
 * Where Engawa may ask a sign-in provider for something: https, and a public host unless the
 * operator allows private ones (OIDC_ALLOW_PRIVATE, for a provider inside a closed network, or
 * tests). A host written as an address is checked as it stands; `localhost` names loopback.
 */
export function checkProviderUrl(input: string, allowPrivate: boolean): URL {
  const url = URL.canParse(input) ? new URL(input) : undefined
  if (!url) throw new OAuthError(`The sign-in provider named an address that is not a URL: ${input}.`)
  if (allowPrivate) return url
  const host = hostOf(url).toLowerCase()
  const isLiteral = /^[\d.]+$/.test(host) || host.includes(':')
  if (url.protocol !== 'https:' || host === 'localhost' || host.endsWith('.localhost') || (isLiteral && !isAddressAllowed(host, { allowPrivate })))
    throw new OAuthError(`The sign-in provider's address ${url.origin} is not a public https address (set OIDC_ALLOW_PRIVATE=true for one inside your network).`)
  return url
}

/**
 * A provider's JSON document (OpenID Connect discovery): no redirect followed (a 3xx could lead
 * anywhere, an internal address included), at most 1 MiB, within 5 seconds.
 */
export async function fetchProviderJson(input: string, allowPrivate: boolean): Promise<unknown> {
  const url = checkProviderUrl(input, allowPrivate)
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } })
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel()
    throw new OAuthError(`The sign-in provider's configuration redirects (HTTP ${response.status}); Engawa does not follow it.`)
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new OAuthError(`The sign-in provider's configuration could not be read (HTTP ${response.status}).`)
  }
  const declared = Number(response.headers.get('content-length'))
  if (declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel()
    throw new OAuthError('The sign-in provider sent a configuration larger than 1 MiB.')
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body?.getReader()
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    size += chunk.value.byteLength
    if (size > MAX_DOCUMENT_BYTES) {
      await reader?.cancel()
      throw new OAuthError('The sign-in provider sent a configuration larger than 1 MiB.')
    }
    chunks.push(chunk.value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new OAuthError("The sign-in provider's configuration is not JSON.")
  }
}
