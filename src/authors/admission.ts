import { sql } from 'kysely'
import type { CommentStatus, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { hitLimits, type Limit } from '../http/rate-limit.ts'
import { checkLinkCount, heldByLists, linkHosts } from './blocklist.ts'
import type { SpamCandidate } from '../deps.ts'
import { bannedError } from './ban-check.ts'
import { isStaffName } from './staff-names.ts'

const TEN_MINUTES = 10 * 60_000
const HOUR = 60 * 60_000

/** Who is posting, as the site's rules see them. */
export interface Poster {
  /** user:<id>, or guest:<salted hash of their network> */
  author: string
  userId: string | null
  /** Moderators and owners of the site: no rule holds their comments back. */
  moderates: boolean
  /** The network's limit key: an IPv4 address or an IPv6 /64, never stored as such. */
  network: string
}

export interface Submission {
  body: string
  html: string
  /** The widget's hidden honeypot field: people leave it empty. */
  honeypot?: string
  spam: Omit<SpamCandidate, 'body' | 'siteUrl'>
}

export interface Admission {
  status: CommentStatus
  /** Why a comment was held, for the queue. */
  heldBecause: string | null
}

async function authorStanding(db: Deps['db'], site: SiteRow, poster: Poster, now: Date) {
  const { rows } = await sql<{ trusted: boolean | null; shadow_banned: boolean | null; banned_until: Date | null; banned: boolean; has_published: boolean; staff_names: string[] | null }>`
    select
      (select array_agg(u.display_name) from site_members m join users u on u.id = m.user_id
        where m.site_id = ${site.id} and ${poster.userId}::uuid is null) as staff_names,
      (select trusted from site_authors where site_id = ${site.id} and author = ${poster.author}) as trusted,
      (select shadow_banned from site_authors where site_id = ${site.id} and author = ${poster.author}) as shadow_banned,
      exists (select 1 from bans where site_id = ${site.id} and author = ${poster.author} and lifted_at is null
        and (expires_at is null or expires_at > ${now})) as banned,
      (select max(expires_at) from bans where site_id = ${site.id} and author = ${poster.author} and lifted_at is null
        and expires_at > ${now}) as banned_until,
      exists (select 1 from comments where site_id = ${site.id} and status = 'published' and (
        (${poster.userId}::uuid is not null and author_user_id = ${poster.userId}::uuid)
        or (${poster.userId}::uuid is null and author_fingerprint = ${poster.author.slice('guest:'.length)}))) as has_published`.execute(db)
  return rows[0]!
}

/**
 * The site's rules and the spam defences, applied to a comment about to be posted. Refuses
 * (guests not allowed, too fast, banned, too many links) or says what status it gets.
 */
export async function admitComment(
  { db, clock, config, spamCheck }: Pick<Deps, 'db' | 'clock' | 'config' | 'spamCheck'>,
  site: SiteRow,
  poster: Poster,
  submission: Submission,
): Promise<Admission> {
  if (!poster.userId && !site.guests_allowed) throw new AppError('guests_not_allowed', 'This site asks you to sign in before you comment.')
  const now = clock.now()
  const checks: Array<readonly [Limit, string]> = [[{ name: 'comment-network', max: config.commentLimits.perNetwork, windowMs: TEN_MINUTES }, poster.network]]
  if (poster.userId) checks.push([{ name: 'comment-account', max: config.commentLimits.perAccount, windowMs: TEN_MINUTES }, poster.userId])
  if (!poster.moderates) checks.push([{ name: 'comment-author', max: site.author_posts_per_hour, windowMs: HOUR }, `${site.id} ${poster.author}`])
  await hitLimits(db, checks, now)
  if (submission.honeypot) return { status: 'spam', heldBecause: 'Filled in the hidden form field that only robots see.' }
  if (poster.moderates) return { status: 'published', heldBecause: null }

  const standing = await authorStanding(db, site, poster, now)
  if (standing.banned) throw bannedError(standing.banned_until ? new Date(standing.banned_until) : null)
  // Anyone may type any name as a guest, but not, to the eye, one of this site's staff.
  if (!poster.userId && isStaffName(submission.spam.authorName, standing.staff_names ?? []))
    throw new AppError('name_reserved', 'That name belongs to a moderator of this site. Choose another, or sign in.')
  const hosts = linkHosts(submission.html)
  checkLinkCount(site, hosts)
  if (standing.shadow_banned) return { status: 'shadowed', heldBecause: null }

  const listed = heldByLists(site, submission.body, hosts)
  if (listed) return { status: 'pending', heldBecause: listed }
  if (standing.trusted) return { status: 'published', heldBecause: null }
  if (site.premoderation === 'all') return { status: 'pending', heldBecause: 'Every comment on this site is approved first.' }
  if (site.premoderation === 'first' && !standing.has_published)
    return { status: 'pending', heldBecause: "The author's first comment on this site." }
  if (site.spam_check && spamCheck) {
    const siteUrl = site.allowed_origins[0] ?? submission.spam.pageUrl
    if (await spamCheck.isSpam({ ...submission.spam, siteUrl, body: submission.body }))
      return { status: 'spam', heldBecause: 'The spam service judged it spam.' }
  }
  return { status: 'published', heldBecause: null }
}
