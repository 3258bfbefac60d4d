import type { AddressPolicy } from '../http/address-policy.ts'

// Where a webhook may point: a site owner chooses the URL, so an endpoint must be https, carry no
// credentials, and reach only public addresses (http/address-policy.ts). The address is checked
// at registration (to say so at once) and again when each delivery connects (http-sender.ts),
// where it counts: a name can point elsewhere by then (DNS rebinding).

/** Why a URL cannot be a webhook endpoint, or undefined when its form is fine (its address is checked apart). */
export function problemWithUrl(url: URL, policy: AddressPolicy): string | undefined {
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return 'A webhook endpoint must be an https:// URL.'
  if (url.username || url.password) return 'A webhook URL must not carry a user name or password; authenticate with the signature instead.'
  return undefined
}

/** The refusal, in words, of an address a host resolved to. */
export function refusedAddressMessage(host: string, address: string): string {
  return host === address
    ? `Webhooks cannot be sent to ${address}: it is a private, loopback or otherwise internal address.`
    : `Webhooks cannot be sent to ${host}: it resolves to ${address}, a private, loopback or otherwise internal address.`
}
