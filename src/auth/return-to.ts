/**
 * Where a sign-in may send the browser afterwards: a path on Engawa's own origin, nothing
 * else. `//host`, `/\host`, `https://other` and anything with a backslash or control
 * character are refused (undefined).
 */
export function safeReturnTo(input: string | undefined, publicUrl: string): string | undefined {
  if (input === undefined) return '/auth/popup'
  if (!input.startsWith('/') || input.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(input)) return undefined
  let url: URL
  try {
    url = new URL(input, publicUrl)
  } catch {
    return undefined
  }
  return url.origin === publicUrl ? `${url.pathname}${url.search}${url.hash}` : undefined
}
