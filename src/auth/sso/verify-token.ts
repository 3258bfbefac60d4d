import { hmac } from '@oslojs/crypto/hmac'
import { SHA256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { decodeBase64urlIgnorePadding } from '@oslojs/encoding'
import { errors, jwtVerify } from 'jose'
import { cleanName } from '../../http/text.ts'
import { z } from 'zod'
import { AppError } from '../../http/errors.ts'

/** The longest a host site's token may live: it is made for one page load. */
export const MAX_TOKEN_LIFETIME_S = 10 * 60

/** Who the host site says its signed-in user is. */
export interface HostUser {
  id: string
  name: string
  nonce: string
  expiresAt: Date
}

const Payload = z.object({
  id: z.string().min(1).max(200),
  // The host site's own name for its user, made one clean line (no control or bidi characters).
  name: z.string().max(500).transform((name) => cleanName(name, 50)).pipe(z.string().min(1)),
  site: z.string().min(1).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
  nonce: z.string().min(16).max(200),
})

const JwtClaims = Payload.pick({ name: true, iat: true, exp: true }).extend({ sub: Payload.shape.id, jti: Payload.shape.nonce })

const refuse = (message: string) => new AppError('invalid_sso_token', message)

function checkTimes(iat: number, exp: number, now: Date): void {
  const seconds = now.getTime() / 1000
  if (exp <= seconds) throw refuse('The sign-in token has expired: the page must ask its server for a fresh one.')
  if (iat > seconds + 60) throw refuse('The sign-in token was issued in the future: check the server clock.')
  if (exp - iat > MAX_TOKEN_LIFETIME_S) throw refuse(`A sign-in token may live at most ${MAX_TOKEN_LIFETIME_S} seconds.`)
}

/**
 * The plain format: `base64url(JSON payload) "." base64url(HMAC-SHA256(secret, first part))`,
 * the payload `{ id, name, site, iat, exp, nonce }` (times in seconds).
 */
function verifyHmacToken(token: string, secret: string, siteId: string, now: Date): HostUser {
  const [body = '', mac = '', extra] = token.split('.')
  if (!body || !mac || extra !== undefined) throw refuse('The sign-in token is malformed.')
  let given: Uint8Array
  let payload: unknown
  try {
    given = decodeBase64urlIgnorePadding(mac)
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64urlIgnorePadding(body)))
  } catch {
    throw refuse('The sign-in token is malformed.')
  }
  const expected = hmac(SHA256, new TextEncoder().encode(secret), new TextEncoder().encode(body))
  if (given.length !== expected.length || !constantTimeEqual(given, expected)) throw refuse('The sign-in token’s signature does not match this site’s secret.')
  const parsed = Payload.safeParse(payload)
  if (!parsed.success) throw refuse(`The sign-in token lacks ${parsed.error.issues[0]?.path.join('.') || 'a field'}.`)
  if (parsed.data.site !== siteId) throw refuse('The sign-in token was made for another site.')
  checkTimes(parsed.data.iat, parsed.data.exp, now)
  return { id: parsed.data.id, name: parsed.data.name, nonce: parsed.data.nonce, expiresAt: new Date(parsed.data.exp * 1000) }
}

/** The JWT format: HS256 with the same secret; `sub`, `name`, `aud` = the site id, `iat`, `exp`, `jti`. */
async function verifyJwt(token: string, secret: string, siteId: string, now: Date): Promise<HostUser> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      audience: siteId,
      currentDate: now,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    })
    const claims = JwtClaims.safeParse(payload)
    if (!claims.success) throw refuse(`The sign-in token's "${claims.error.issues[0]?.path.join('.') || 'claims'}" claim is wrong or missing.`)
    const { sub, name, jti, iat, exp } = claims.data
    checkTimes(iat, exp, now)
    return { id: sub, name, nonce: jti, expiresAt: new Date(exp * 1000) }
  } catch (error) {
    if (error instanceof AppError) throw error
    if (error instanceof errors.JWTExpired) throw refuse('The sign-in token has expired: the page must ask its server for a fresh one.')
    if (error instanceof errors.JWTClaimValidationFailed) throw refuse(`The sign-in token’s "${error.claim}" claim is wrong or missing.`)
    throw refuse('The sign-in token’s signature does not match this site’s secret.')
  }
}

/** Either format, told apart by its shape (a JWT has three parts). */
export function verifyHostToken(token: string, secret: string, siteId: string, now: Date): Promise<HostUser> {
  return token.split('.').length === 3 ? verifyJwt(token, secret, siteId, now) : Promise.resolve(verifyHmacToken(token, secret, siteId, now))
}
