import ipaddr from 'ipaddr.js'

// Where a request Engawa makes for someone else may go (OWASP's SSRF prevention): a webhook a
// site owner chose, a sign-in provider's endpoints. Engawa's servers make these requests from
// inside the operator's network, so they reach only public unicast addresses: never loopback,
// private (RFC 1918, IPv6 unique-local), link-local (cloud metadata at 169.254.169.254), CGNAT,
// multicast, unspecified, reserved, or an IPv4-mapped IPv6 form of any of those.

export interface AddressPolicy {
  /** The operator's WEBHOOKS_ALLOW_PRIVATE or OIDC_ALLOW_PRIVATE: private addresses and plain http, for tests and closed networks. */
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

/** The host of a URL as the network sees it: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}
