import { sql, type RawBuilder } from 'kysely'
import type { CommentStatus, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { countHits, type Hit, type Limit } from '../http/rate-limit.ts'
import { authorKeyOfPoster, posterModerates, type Poster } from './poster.ts'
import { checkLinkCount, heldByLists, linkHosts } from './blocklist.ts'
import type { SpamCandidate } from '../deps.ts'
import { bannedError } from './ban-check.ts'
import { isStaffName } from './staff-names.ts'

const TEN_MINUTES = 10 * 60_000
const HOUR = 60 * 60_000

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

/** What the site knows of the author, asked in the statement that counts their post against the limits. */
function standingColumns(site: SiteRow, poster: Poster, now: Date) {
  const author = authorKeyOfPoster(poster)
  const userId = poster.kind === 'user' ? poster.userId : null
  const fingerprint = poster.kind === 'guest' ? poster.fingerprint : null
  return sql`
      (select array_agg(u.display_name) from site_members m join users u on u.id = m.user_id
        where m.site_id = ${site.id} and ${userId}::uuid is null) as staff_names,
      (select trusted from site_authors where site_id = ${site.id} and author = ${author}) as trusted,
      (select shadow_banned from site_authors where site_id = ${site.id} and author = ${author}) as shadow_banned,
      exists (select 1 from bans where site_id = ${site.id} and author = ${author} and lifted_at is null
        and (expires_at is null or expires_at > ${now})) as banned,
      (select max(expires_at) from bans where site_id = ${site.id} and author = ${author} and lifted_at is null
        and expires_at > ${now}) as banned_until,
      exists (select 1 from comments where site_id = ${site.id} and status = 'published' and (
        (${userId}::uuid is not null and author_user_id = ${userId}::uuid)
        or (${fingerprint}::text is not null and author_fingerprint = ${fingerprint}::text))) as has_published`
}

interface Standing {
  hits: Hit[]
  trusted: boolean | null
  shadow_banned: boolean | null
  banned_until: Date | null
  banned: boolean
  has_published: boolean
  staff_names: string[] | null
}

/**
 * The site's rules and the spam defences, applied to a comment about to be posted. Refuses
 * (guests not allowed, too fast, banned, too many links) or says what status it gets.
 *
 * One statement counts the post against the limits and reads the author's standing; `also`
 * (select-list columns of the caller's) rides along in it, so a post needs no round trip of
 * its own for what it must know before it is written. It commits without waiting for the disk
 * (below), so it runs on `db` alone, never inside a transaction that writes anything else.
 */
export async function admitComment<Also extends object = object>(
  { db, clock, config, spamCheck }: Pick<Deps, 'db' | 'clock' | 'config' | 'spamCheck'>,
  site: SiteRow,
  poster: Poster,
  submission: Submission,
  also?: RawBuilder<Also>,
): Promise<{ admission: Admission; also: Also }> {
  if (poster.kind === 'guest' && !site.guests_allowed) throw new AppError('guests_not_allowed', 'This site asks you to sign in before you comment.')
  const now = clock.now()
  const moderates = posterModerates(poster)
  const checks: Array<readonly [Limit, string]> = [[{ name: 'comment-network', max: config.commentLimits.perNetwork, windowMs: TEN_MINUTES }, poster.network]]
  if (poster.kind === 'user') checks.push([{ name: 'comment-account', max: config.commentLimits.perAccount, windowMs: TEN_MINUTES }, poster.userId])
  if (!moderates) checks.push([{ name: 'comment-author', max: site.author_posts_per_hour, windowMs: HOUR }, `${site.id} ${authorKeyOfPoster(poster)}`])
  const limits = countHits(checks, now)
  const { rows } = await sql<Standing & Also & { relaxed: string }>`
    with hits as (${limits.statement})
    -- The counting last: its row locks (every post from one network takes the same row) are then held
    -- for the upsert and the commit only, not while the rest is read. And the commit does not wait
    -- for the disk: a count lost to a crash lets one post too many through, while waiting would
    -- hold those locks, and every other post from the network behind them, for a disk flush.
    select ${standingColumns(site, poster, now)}${also ? sql`, ${also}` : sql``},
      set_config('synchronous_commit', 'off', true) as relaxed,
      coalesce((select json_agg(h) from hits h), '[]'::json) as hits`.execute(db)
  const { hits, relaxed: _, ...standing } = rows[0]!
  limits.refuseOver(hits)
  return { admission: await judge({ spamCheck }, site, poster, submission, standing), also: standing as unknown as Also }
}

async function judge(
  { spamCheck }: Pick<Deps, 'spamCheck'>,
  site: SiteRow,
  poster: Poster,
  submission: Submission,
  standing: Omit<Standing, 'hits'>,
): Promise<Admission> {
  if (submission.honeypot) return { status: 'spam', heldBecause: 'Filled in the hidden form field that only robots see.' }
  if (posterModerates(poster)) return { status: 'published', heldBecause: null }
  if (standing.banned) throw bannedError(standing.banned_until ? new Date(standing.banned_until) : null)
  // Anyone may type any name as a guest, but not, to the eye, one of this site's staff.
  if (poster.kind === 'guest' && isStaffName(poster.name, standing.staff_names ?? []))
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
