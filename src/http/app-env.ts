import type { ApiTokenScope, SessionRow, SiteRow, UserRow } from '../db/schema.ts'

/** Who a request comes from, once a session token or cookie has been checked. */
export interface SignedIn {
  session: SessionRow
  user: UserRow
  /**
   * How it came: a widget's bearer session, the dashboard cookie, or an owner's API token (a
   * script). For an API token, `session` stands for the token: its site, its maker, its expiry.
   */
  via: 'bearer' | 'cookie' | 'api-token'
  /** The API token's id and scope, when `via` is `api-token`. */
  apiToken?: { id: string; scope: ApiTokenScope }
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
