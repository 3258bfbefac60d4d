import type { User } from './api.ts'

/**
 * Signs in through a popup on Engawa's own origin, where its cookie is first-party: the popup
 * posts back a token for this site only. A message counts only if it comes from that popup,
 * from Engawa's origin, and names this site; anything else is ignored.
 */
export function openSignIn(base: string, site: string, done: (token: string, user: User) => void): void {
  const url = `${base}/auth/popup?site=${encodeURIComponent(site)}&origin=${encodeURIComponent(location.origin)}`
  const popup = window.open(url, 'engawa-signin', 'popup,width=480,height=680')
  const listener = (event: MessageEvent) => {
    const data = event.data as { type?: string; site?: string; token?: string; user?: User } | null
    if (event.origin !== base || event.source !== popup || data?.type !== 'engawa:session' || data.site !== site) return
    if (!data.token || !data.user) return
    removeEventListener('message', listener)
    done(data.token, data.user)
  }
  addEventListener('message', listener)
}
