import { AppError } from './errors.ts'

/**
 * An allowed origin as the browser sends it in `Origin`: scheme, host and a non-default port.
 * Only exact matches count, so `https://blog.example.evil.test` and `null` never pass.
 */
export function parseAllowedOrigin(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new AppError('invalid_request', `"${input}" is not an origin; write it like https://blog.example.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError('invalid_request', `"${input}" must start with https:// or http://.`)
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
    throw new AppError('invalid_request', `"${input}" must be an origin only, without a path, query or credentials.`)
  return url.origin
}

export function isAllowedOrigin(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  return origin !== undefined && allowedOrigins.includes(origin)
}
