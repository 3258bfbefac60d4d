import ipaddr from 'ipaddr.js'

// Where a webhook may point (OWASP's SSRF prevention): a site owner chooses the URL, and Engawa's
// servers then make requests to it from inside the operator's network. So an endpoint must be
// https, carry no credentials, and reach only public unicast addresses: never loopback, private
// (RFC 1918, IPv6 unique-local), link-local (cloud metadata at 169.254.169.254), CGNAT,
// multicast, unspecified, reserved, or an IPv4-mapped IPv6 form of any of those. The address is
// checked at registration (to say so at once) and again when each delivery connects
// (http-sender.ts), where it counts: a name can point elsewhere by then (DNS rebinding).

export interface AddressPolicy {
  /** The operator's WEBHOOKS_ALLOW_PRIVATE: private addresses and plain http, for tests and closed networks. */
  allowPrivate: boolean
}

/** Whether a request may go to this IP address (v4 or v6, as text). */
export function isAddressAllowed(address: string, policy: AddressPolicy): boolean {
  if (policy.allowPrivate) return true
  if (!ipaddr.isValid(address)) return false
  let ip = ipaddr.parse(address)
  // ::ffff:10.0.0.1 is 10.0.0.1 to the network stack.
  if (ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress()) ip = ip.toIPv4Address()
  // ::7f00:1, the deprecated IPv4-compatible form, which ipaddr.js calls unicast: no public
  // address starts with 96 zero bits.
  if (ip instanceof ipaddr.IPv6 && ip.parts.slice(0, 6).every((part) => part === 0)) return false
  // Only the ranges ipaddr.js calls plain unicast: its special ranges (6to4, Teredo, NAT64 and
  // documentation prefixes among them) can all lead somewhere unintended.
  return ip.range() === 'unicast'
}

/** Why a URL cannot be a webhook endpoint, or undefined when its form is fine (its address is checked apart). */
export function problemWithUrl(url: URL, policy: AddressPolicy): string | undefined {
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return 'A webhook endpoint must be an https:// URL.'
  if (url.username || url.password) return 'A webhook URL must not carry a user name or password; authenticate with the signature instead.'
  return undefined
}

/** The host of a URL as the network sees it: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/** The refusal, in words, of an address a host resolved to. */
export function refusedAddressMessage(host: string, address: string): string {
  return host === address
    ? `Webhooks cannot be sent to ${address}: it is a private, loopback or otherwise internal address.`
    : `Webhooks cannot be sent to ${host}: it resolves to ${address}, a private, loopback or otherwise internal address.`
}
