import type { Context } from 'hono'

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } }
}

/**
 * The address a request came from: the socket's peer, unless that peer is a proxy the
 * operator trusts (TRUSTED_PROXIES), in which case the nearest X-Forwarded-For hop that is not
 * one of those proxies. On Workers there is no socket; Cloudflare sets CF-Connecting-IP there
 * and overwrites any a client sends.
 */
export function clientIp(c: Context, trustedProxies: ReadonlySet<string>): string {
  const peer = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress
  if (peer === undefined) return c.req.header('cf-connecting-ip') ?? 'unknown'
  let address = unmapIpv4(peer)
  if (!trustedProxies.has(address)) return address
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => unmapIpv4(h.trim())).filter(Boolean)
  while (hops.length > 0 && trustedProxies.has(address)) address = hops.pop() as string
  return address
}

function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/**
 * What per-address limits count by: an IPv4 address, or an IPv6 address's /64 (one
 * customer's network: anyone given one can rotate through its 2^64 addresses at will).
 */
export function addressBucket(address: string): string {
  if (!address.includes(':')) return address
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]?.split('::') ?? []
  const left = head ? head.split(':') : []
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : []
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.padStart(4, '0')).join(':')}::/64`
}
