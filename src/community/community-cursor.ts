import { z } from 'zod'
import { decodeJsonCursor, encodeJsonCursor, invalidCursor } from '../comments/cursor.ts'

export const COMMUNITY_TABS = ['latest', 'active', 'threads'] as const
export type CommunityTab = (typeof COMMUNITY_TABS)[number]
export const ACTIVITY_PERIODS = ['day', 'week', 'month'] as const
export type ActivityPeriod = (typeof ACTIVITY_PERIODS)[number]

/**
 * Where a community page stopped: the sort key of its last row, never an offset, so what is
 * posted while a reader pages does not shift the next page. `latest` and `threads` stop at a
 * time and an id; `active` at a thread's count in the window, its last comment and its id
 * (and the window's start, so a later page counts over the same window).
 */
const CommunityPosition = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('latest'), at: z.iso.datetime(), id: z.guid() }),
  z.strictObject({ t: z.literal('threads'), at: z.iso.datetime(), id: z.guid() }),
  z.strictObject({
    t: z.literal('active'), period: z.enum(ACTIVITY_PERIODS), since: z.iso.datetime(),
    n: z.number().int().min(0).max(2_147_483_647), at: z.iso.datetime(), id: z.guid(),
  }),
])
export type CommunityPosition = z.infer<typeof CommunityPosition>

export function encodeCommunityCursor(position: CommunityPosition): string {
  return encodeJsonCursor(position)
}

/** The position in `cursor`, which must be one given out for this tab (and period). */
export function decodeCommunityCursor<T extends CommunityTab>(cursor: string, tab: T): Extract<CommunityPosition, { t: T }> {
  const parsed = CommunityPosition.safeParse(decodeJsonCursor(cursor))
  if (!parsed.success || parsed.data.t !== tab) throw invalidCursor()
  return parsed.data as Extract<CommunityPosition, { t: T }>
}
