import { promises as dns } from 'dns'
import { isIP } from 'net'
import { AppError } from '../http/errors.ts'
import { hostOf, isAddressAllowed, type AddressPolicy } from '../http/address-policy.ts'
import { problemWithUrl, refusedAddressMessage } from './endpoint-rules.ts'

// `dns` and `net` by their bare names: Node has them, and so do Workers with nodejs_compat.

/**
 * Refuses, at registration, an endpoint that could never be delivered to: the wrong scheme,
 * credentials in the URL, or a host that resolves to an internal address (any one of its
 * addresses: a client may pick any). Each delivery checks again as it connects.
 */
export async function checkEndpointUrl(raw: string, policy: AddressPolicy): Promise<URL> {
  const url = new URL(raw)
  const problem = problemWithUrl(url, policy)
  if (problem) throw new AppError('webhook_url_not_allowed', problem)
  if (policy.allowPrivate) return url
  const host = hostOf(url)
  const addresses = isIP(host) ? [host] : await resolve(host)
  const refused = addresses.find((a) => !isAddressAllowed(a, policy))
  if (refused !== undefined) throw new AppError('webhook_url_not_allowed', refusedAddressMessage(host, refused))
  return url
}

async function resolve(host: string): Promise<string[]> {
  try {
    return (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const message =
      code === 'ENOTFOUND' || code === 'ENODATA'
        ? `${host} does not resolve to an address: check the spelling of the URL.`
        : `Could not look up ${host} just now (${code ?? 'no answer'}); try again in a moment.`
    throw new AppError('webhook_url_not_allowed', message)
  }
}
