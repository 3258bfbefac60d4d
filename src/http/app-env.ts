import type { Session } from '../auth/sessions.ts'
import type { SiteRow, UserRow } from '../db/schema.ts'

/** Who a request comes from, once a session token or cookie has been checked. */
export interface SignedIn {
  session: Session
  user: UserRow
  /** How the session came: a bearer token (the widget, scripts) or the dashboard cookie. */
  via: 'bearer' | 'cookie'
}

export interface AppEnv {
  Variables: {
    requestId: string
    /** Set for every /api/v1/sites/{site}/… route before its handler runs. */
    site: SiteRow
    /** Set where a route reads sessions, when the request carries a live one. */
    signedIn: SignedIn | undefined
  }
}
