import { expect } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { parseConfig } from '../../src/config.ts'
import type { TestApp } from './harness.ts'

/** Engawa's own origin in tests (PUBLIC_URL unset): where the popup and dashboard live. */
export const ENGAWA_ORIGIN = parseConfig({}).publicUrl
export const PASSWORD = 'correct horse battery staple'

/** A request from a page on Engawa's own origin, with the dashboard cookie when given. */
export function fromEngawa(t: TestApp, method: string, path: string, body?: unknown, cookie?: string) {
  return t.request(method, path, body, { origin: ENGAWA_ORIGIN, headers: cookie ? { cookie } : {} })
}

/** The session cookie a response set, as a Cookie header value. */
export function sessionCookie(res: Response): string {
  const set = res.headers.get('set-cookie') ?? ''
  const match = /(engawa_session=[^;]+)/.exec(set)
  expect(match, `no session cookie in ${set}`).toBeTruthy()
  return match?.[1] as string
}

const seenMails = new Set<string>()

/** The one queued mail to an address that no earlier call returned, straight from the outbox. */
export async function lastMailTo(t: TestApp, to: string) {
  const mails = await t.db.selectFrom('outbox_mails').selectAll().where('to_address', '=', to).execute()
  const fresh = mails.filter((m) => !seenMails.has(m.id))
  expect(fresh, `expected one new mail to ${to}`).toHaveLength(1)
  const mail = fresh[0] as (typeof mails)[number]
  seenMails.add(mail.id)
  return mail
}

export function linkToken(text: string | null, kind: 'verify' | 'reset'): string {
  const match = new RegExp(`#${kind}=([a-z0-9.]+)`).exec(text ?? '')
  expect(match, `no ${kind} link in ${text}`).toBeTruthy()
  return match?.[1] as string
}

export function uniqueEmail(prefix = 'reader'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@mail.example`
}

/** Signs up and follows the emailed link: an account with a dashboard cookie. */
export async function signUpAndVerify(t: TestApp, email = uniqueEmail(), displayName = 'Hana') {
  const signup = await fromEngawa(t, 'POST', '/api/v1/auth/signup', { email, password: PASSWORD, displayName })
  expect(signup.status).toBe(202)
  const token = linkToken((await lastMailTo(t, email)).body_text, 'verify')
  const verified = await fromEngawa(t, 'POST', '/api/v1/auth/verify', { token, password: PASSWORD })
  expect(verified.status).toBe(200)
  const { user } = await verified.json()
  return { email, user, cookie: sessionCookie(verified) }
}

/** What the popup does once signed in: a bearer token for the test app's site. */
export async function widgetToken(t: TestApp, cookie: string): Promise<string> {
  const res = await fromEngawa(t, 'POST', '/api/v1/auth/widget-session', { site: t.site.id, origin: t.site.origin }, cookie)
  expect(res.status).toBe(200)
  return (await res.json()).token
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` }
}

/** A signed-in reader of the test app's site: an account, its dashboard cookie and its widget token. */
export async function readerOf(t: TestApp, displayName: string) {
  const a = await signUpAndVerify(t, undefined, displayName)
  return { ...a, token: await widgetToken(t, a.cookie) }
}

/** An owner or moderator of the test app's site (or another), signed in as readerOf is. */
export async function staffOf(t: TestApp, displayName: string, role: 'owner' | 'moderator' = 'moderator', siteId = t.site.id) {
  const member = await readerOf(t, displayName)
  await setSiteRole(t.db, siteId, member.email, role)
  return member
}
