import type { SignedIn } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'

/** The request's account, or 401. */
export function requireSignedIn(signedIn: SignedIn | undefined): SignedIn {
  if (!signedIn) throw new AppError('unauthorized', 'Sign in first.')
  return signedIn
}

/**
 * What only the account's owner on Engawa's own pages may do (export, delete, change the
 * password, sign out everywhere, administer): a widget token, which any script on a site's
 * page could read, is not enough.
 */
export function requireDashboardSession(signedIn: SignedIn | undefined): SignedIn {
  const s = requireSignedIn(signedIn)
  if (s.via !== 'cookie') throw new AppError('forbidden', 'Do this from your account on Engawa itself, not from a site’s page.')
  return s
}
