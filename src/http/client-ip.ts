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
