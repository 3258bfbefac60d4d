// The community view's reads (community.ts): public, without credentials, so every reader's
// answer is the same and a CDN may carry them.
import type { Author } from './api.ts'
import { answer, ApiError } from './api.ts'

export type CommunityTab = 'latest' | 'active' | 'threads'
export type Period = 'day' | 'week' | 'month'

export interface CommunityThread {
  id: string
  url: string
  title: string
  total: number
  locked: boolean
  /** active: comments in the period and the newest of them; threads: when it started. */
  comments?: number
  lastCommentAt?: string
  startedAt?: string
}

export interface CommunityComment {
  id: string
  author: Author
  html: string
  createdAt: string
  link: string
  thread: CommunityThread
}

export interface CommunityPage {
  site: { id: string; name: string }
  comments?: CommunityComment[]
  threads?: CommunityThread[]
  nextCursor: string | null
}

export function readCommunity(base: string, site: string, tab: CommunityTab, period: Period, cursor: string | null): Promise<CommunityPage> {
  const query = new URLSearchParams({ tab, ...(tab === 'active' ? { period } : {}), ...(cursor ? { cursor } : {}) })
  return fetch(`${base}/api/v1/sites/${encodeURIComponent(site)}/community?${query}`).then(answer<CommunityPage>, () => {
    throw new ApiError(0, 'offline', 'offline')
  })
}

export interface ProfilePage {
  profile: { id: string; name: string; hue?: number; bio: string; joinedAt: string; bioHidden?: boolean; public?: boolean }
  comments: CommunityComment[]
  nextCursor: string | null
}

export function readProfile(base: string, site: string, user: string, cursor: string | null): Promise<ProfilePage> {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''
  return fetch(`${base}/api/v1/sites/${encodeURIComponent(site)}/profiles/${encodeURIComponent(user)}${query}`).then(answer<ProfilePage>, () => {
    throw new ApiError(0, 'offline', 'offline')
  })
}
