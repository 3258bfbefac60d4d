import type { Config } from '../config.ts'
import type { UserRow } from '../db/schema.ts'

/** Whether an account may create sites: instance admins always; others as SITE_CREATORS says. */
export function mayCreateSites(config: Pick<Config, 'siteCreators'>, user: Pick<UserRow, 'is_instance_admin' | 'email' | 'email_verified_at'>): boolean {
  if (user.is_instance_admin) return true
  const creators = config.siteCreators
  if (creators === 'admins' || user.email_verified_at === null || user.email === null) return false
  if (creators === 'accounts') return true
  const email = user.email.toLowerCase()
  return creators.addresses.has(email) || creators.domains.has(email.slice(email.lastIndexOf('@') + 1))
}
