import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { changeStatus, lockComment } from '../comments/change-status.ts'
import { holdStanding } from '../authors/standing-lock.ts'
import { countReactionsOf } from '../comments/react.ts'
import { AppError } from '../http/errors.ts'
import { changeThreads } from '../threads/thread-changes.ts'
import { heldByLists, linkHosts } from '../authors/blocklist.ts'
import { recordAction } from '../audit/audit-log.ts'
import { authorFilter, authorKeyOf } from '../authors/author-key.ts'

export const AUTHOR_ACTIONS = ['ban', 'unban', 'shadow-ban', 'unshadow-ban', 'trust', 'untrust'] as const
export type AuthorAction = (typeof AUTHOR_ACTIONS)[number]

/** The author of a comment of the site, as the key bans and flags use. */
export async function authorOfComment(db: Kysely<Database>, siteId: string, commentId: string): Promise<{ author: string; name: string }> {
  const row = await db
    .selectFrom('comments')
    .select(['author_user_id', 'author_fingerprint', 'author_name'])
    .where('site_id', '=', siteId)
    .where('id', '=', commentId)
    .executeTakeFirst()
  if (!row) throw new AppError('comment_not_found', 'That comment does not exist.')
  const author = authorKeyOf(row)
  if (!author) throw new AppError('conflict', 'The author of this comment cannot be told apart from other guests (it predates guest fingerprints).')
  return { author, name: row.author_name }
}

async function setFlag(trx: Kysely<Database>, siteId: string, author: string, flag: { trusted?: boolean; shadow_banned?: boolean }, now: Date) {
  await trx
    .insertInto('site_authors')
    .values({ site_id: siteId, author, ...flag, updated_at: now })
    .onConflict((oc) => oc.columns(['site_id', 'author']).doUpdateSet({ ...flag, updated_at: now }))
    .execute()
}

/**
 * Moves every comment of an author from one status to another, keeping counts right. Coming
 * back from a shadow ban, a comment the site's rules would have held (pre-moderation, the word
 * and link lists) goes to the queue, not straight to readers.
 */
async function moveAuthorsComments(trx: Kysely<Database>, site: SiteRow, author: string, from: 'published' | 'shadowed', to: 'published' | 'shadowed', now: Date) {
  const { column, id } = authorFilter(author)
  const ids = await trx.selectFrom('comments').select('id').where('site_id', '=', site.id).where(column, '=', id).where('status', '=', from).orderBy('seq').execute()
  for (const { id: commentId } of ids) {
    const row = await lockComment(trx, site.id, commentId)
    if (row?.status !== from) continue
    const held = to === 'published' ? (site.premoderation !== 'off' ? 'Posted while shadow-banned; the site approves comments first.' : heldByLists(site, row.body_source, linkHosts(row.body_html))) : null
    await (held ? changeStatus(trx, row, 'pending', { moderation_reason: held }, now) : changeStatus(trx, row, to, {}, now))
  }
}

/**
 * Ban, shadow-ban or trust an author of the site, or undo it, with its audit entry, in one
 * transaction. A shadow ban also takes the author's published comments out of readers' sight
 * (their author still sees them as published) and their reactions out of the counts (they
 * still see them as given); lifting it brings both back.
 */
export async function actOnAuthor(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  site: SiteRow,
  actorUserId: string,
  input: { author: string; name: string; action: AuthorAction; days?: number; reason?: string },
): Promise<void> {
  const now = deps.clock.now()
  const reason = input.reason?.trim() || null
  return changeThreads(deps, async (trx) => {
    switch (input.action) {
      case 'ban': {
        const expires = input.days ? new Date(now.getTime() + input.days * 86_400_000) : null
        await trx
          .updateTable('bans')
          .set({ lifted_at: now })
          .where('site_id', '=', site.id)
          .where('author', '=', input.author)
          .where('lifted_at', 'is', null)
          .execute()
        await trx
          .insertInto('bans')
          .values({ site_id: site.id, author: input.author, author_name: input.name, reason, created_by: actorUserId, created_at: now, expires_at: expires })
          .execute()
        break
      }
      case 'unban': {
        const lifted = await trx
          .updateTable('bans')
          .set({ lifted_at: now })
          .where('site_id', '=', site.id)
          .where('author', '=', input.author)
          .where('lifted_at', 'is', null)
          .executeTakeFirst()
        if (Number(lifted.numUpdatedRows) === 0) throw new AppError('conflict', 'This author is not banned.')
        break
      }
      case 'shadow-ban':
      case 'unshadow-ban': {
        const on = input.action === 'shadow-ban'
        await holdStanding(trx, site.id, input.author, true)
        await setFlag(trx, site.id, input.author, { shadow_banned: on }, now)
        await moveAuthorsComments(trx, site, input.author, on ? 'published' : 'shadowed', on ? 'shadowed' : 'published', now)
        // Reactions key readers as bans key authors (user:<id>, guest:<the same network hash>).
        await countReactionsOf(trx, { siteId: site.id, reactor: input.author, counted: !on, now })
        break
      }
      case 'trust':
      case 'untrust':
        await setFlag(trx, site.id, input.author, { trusted: input.action === 'trust' }, now)
        break
    }
    const detail = input.action === 'ban' ? (input.days ? `for ${input.days} day${input.days === 1 ? '' : 's'}` : 'for good') : null
    await recordAction(
      trx,
      { siteId: site.id, actorUserId, action: input.action, targetKind: 'author', targetId: input.author, reason: [detail, reason].filter(Boolean).join(': ') || null },
      now,
    )
  })
}

export interface AuthorStanding {
  author: string
  trusted: boolean
  shadowBanned: boolean
  ban: { id: string; reason: string | null; since: string; until: string | null } | null
}

export async function authorStanding(db: Kysely<Database>, siteId: string, author: string, now: Date): Promise<AuthorStanding> {
  const flags = await db.selectFrom('site_authors').selectAll().where('site_id', '=', siteId).where('author', '=', author).executeTakeFirst()
  const ban = await db
    .selectFrom('bans')
    .selectAll()
    .where('site_id', '=', siteId)
    .where('author', '=', author)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst()
  return {
    author,
    trusted: flags?.trusted ?? false,
    shadowBanned: flags?.shadow_banned ?? false,
    ban: ban ? { id: ban.id, reason: ban.reason, since: ban.created_at.toISOString(), until: ban.expires_at?.toISOString() ?? null } : null,
  }
}
