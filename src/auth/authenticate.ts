import { createMiddleware } from 'hono/factory'
import type { Deps } from '../deps.ts'
import type { AppEnv, SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { isApiToken, validateApiToken } from './api-tokens.ts'
import { apiTokenAllows } from '../access/can.ts'
import { clearSessionCookie, readSessionCookie } from './session-cookie.ts'
import { validateSessionToken } from './sessions.ts'
import { findUser } from './users.ts'

type AuthDeps = Pick<Deps, 'db' | 'clock' | 'config'>

async function signedInBy(d: AuthDeps, token: string): Promise<Omit<SignedIn, 'via'> | undefined> {
  const session = await validateSessionToken(d.db, token, d.clock.now())
  const user = session && (await findUser(d.db, session.user_id))
  return session && user ? { session, user } : undefined
}

/** An owner's API token, as the signed-in account that made it, narrowed to its site. */
async function signedInByApiToken(d: AuthDeps, token: string): Promise<SignedIn | undefined> {
  const row = await validateApiToken(d.db, token, d.clock.now())
  const user = row && (await findUser(d.db, row.created_by))
  if (!row || !user) return undefined
  const session = {
    id: `api-token:${row.id}`,
    secret_hash: new Uint8Array(),
    user_id: user.id,
    site_id: row.site_id,
    created_at: row.created_at,
    expires_at: row.expires_at ?? new Date(8.64e15),
    last_used_at: row.last_used_at,
  }
  return { session, user, via: 'api-token', apiToken: { id: row.id, scope: row.scope } }
}

const ENDED = 'Your session has ended. Sign in again.'

/**
 * Reads the session a request carries. An Authorization header is all that counts when it is
 * there: a malformed or dead one is refused, never replaced by a cookie. Site routes (the
 * widget's) take bearer tokens only, and only those issued for their own site; elsewhere the
 * dashboard's cookie is read when no header is sent.
 */
export function authenticate(d: AuthDeps, mode: 'site-bearer' | 'bearer-or-cookie' | 'bearer-cookie-or-api-token') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization')
    if (header !== undefined) {
      const token = /^Bearer ([!-~]{1,200})$/.exec(header)?.[1]
      if (!token) throw new AppError('unauthorized', 'Send the session token as "Authorization: Bearer <token>".')
      if (isApiToken(token)) {
        const signedIn = mode === 'bearer-cookie-or-api-token' ? await signedInByApiToken(d, token) : undefined
        if (!signedIn) throw new AppError('unauthorized', 'This API token is unknown, revoked or expired, or not accepted here.')
        if (!apiTokenAllows(signedIn.apiToken!.scope, signedIn.session.site_id!, c.req.method, c.req.path))
          throw new AppError('forbidden', `This API token (scope "${signedIn.apiToken!.scope}") may not do that.`)
        c.set('signedIn', signedIn)
        return next()
      }
      const found = await signedInBy(d, token)
      if (!found) throw new AppError('unauthorized', ENDED)
      if (mode === 'site-bearer' && found.session.site_id !== c.var.site.id)
        throw new AppError('unauthorized', 'This session belongs to another site. Sign in on this one.')
      c.set('signedIn', { ...found, via: 'bearer' })
    } else if (mode !== 'site-bearer') {
      const token = readSessionCookie(c, d.config)
      const found = token ? await signedInBy(d, token) : undefined
      if (found && found.session.site_id === null) c.set('signedIn', { ...found, via: 'cookie' })
      else if (token) clearSessionCookie(c, d.config)
    }
    await next()
  })
}
