import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Config } from '../config.ts'
import { SESSION_LIFETIME_MS } from './sessions.ts'

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Secure everywhere but on a loopback development origin, where browsers have no https. */
function isSecure(config: Config): boolean {
  const url = new URL(config.publicUrl)
  return url.protocol === 'https:' || !LOCAL_HOSTS.has(url.hostname)
}

/** __Host- binds the cookie to Engawa's exact origin (Secure, no Domain, Path=/). */
export function sessionCookieName(config: Config): string {
  return isSecure(config) ? '__Host-engawa_session' : 'engawa_session'
}

export function setSessionCookie(c: Context, config: Config, token: string): void {
  setCookie(c, sessionCookieName(config), token, {
    httpOnly: true,
    secure: isSecure(config),
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.floor(SESSION_LIFETIME_MS / 1000),
  })
}

export function clearSessionCookie(c: Context, config: Config): void {
  deleteCookie(c, sessionCookieName(config), { path: '/', secure: isSecure(config) })
}

export function readSessionCookie(c: Context, config: Config): string | undefined {
  return getCookie(c, sessionCookieName(config))
}

/**
 * The browser that signed up: a secret in a cookie for the sign-up link's lifetime, sent only to
 * the verification route. Following the link from this browser needs no password again.
 */
export function signupCookieName(config: Config): string {
  return isSecure(config) ? '__Host-engawa_signup' : 'engawa_signup'
}

export function setSignupCookie(c: Context, config: Config, secret: string, maxAgeSeconds: number): void {
  // __Host- requires Path=/; the secret proves only this one sign-up, and expires with its link.
  setCookie(c, signupCookieName(config), secret, { httpOnly: true, secure: isSecure(config), sameSite: 'Lax', path: '/', maxAge: maxAgeSeconds })
}

export function readSignupCookie(c: Context, config: Config): string | undefined {
  return getCookie(c, signupCookieName(config))
}
