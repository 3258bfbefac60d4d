import type { GuestPolicy } from '../db/schema.ts'

export const GUEST_POLICIES = ['allowed', 'premoderated', 'forbidden'] as const satisfies readonly GuestPolicy[]

/** What a new site starts with (ARCHITECTURE.md: guests, no pre-moderation, 15 minutes, 10,000 characters). */
export const DEFAULT_SETTINGS = {
  guestPolicy: 'allowed' as GuestPolicy,
  editWindowSeconds: 15 * 60,
  maxCommentLength: 10_000,
  allowsImages: false,
  reservesTdm: true,
}

export const MAX_COMMENT_LENGTH_LIMIT = 50_000
