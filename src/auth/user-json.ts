import type { UserRow } from '../db/schema.ts'
import type { SignedIn } from '../http/app-env.ts'

/** A site's pages see the name only; the address is shown on Engawa's own origin. */
export function userToJson(user: UserRow, via: SignedIn['via'] | 'cookie') {
  return {
    id: user.id,
    displayName: user.display_name,
    email: via === 'cookie' ? user.email : null,
    isInstanceAdmin: user.is_instance_admin,
    profilePublic: user.profile_public,
  }
}
