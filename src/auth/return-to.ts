/** The pages of Engawa a sign-in may come back to. */
const RETURN_PATHS = ['/auth/popup', '/auth/account', '/admin']

/**
 * Where a sign-in may send the browser afterwards: one of Engawa's own sign-in or dashboard
 * pages, judged after the URL is normalised (so `/.//evil.example` cannot turn into
 * `//evil.example`). Anything else is refused (undefined).
 */
export function safeReturnTo(input: string | undefined, publicUrl: string): string | undefined {
  if (input === undefined) return '/auth/popup'
  if (!input.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(input)) return undefined
  let url: URL
  try {
    url = new URL(input, publicUrl)
  } catch {
    return undefined
  }
  if (url.origin !== publicUrl) return undefined
  if (!RETURN_PATHS.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`))) return undefined
  return `${url.pathname}${url.search}${url.hash}`
}
