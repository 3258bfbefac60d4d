import { sql, type Kysely } from 'kysely'
import type { Database, SiteRow, UserRow } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import { deleteComment } from '../comments/edit-comment.ts'
import { withdrawReactions } from '../comments/react.ts'
import { AppError } from '../http/errors.ts'
import { getSite } from '../sites/sites.ts'
import { changeThreads, threadChangedQuietly } from '../threads/thread-changes.ts'

export const EXPORT_FORMAT = 'engawa-account-export/1'

/** Everything Engawa holds about an account, as its owner may take it away. */
export async function exportAccount(db: Kysely<Database>, user: UserRow, currentSessionId: string, now: Date) {
  const [identities, sessions, memberships, comments, votes, follows, reactions, bios] = await Promise.all([
    db.selectFrom('oauth_identities').select(['provider', 'subject', 'email', 'created_at']).where('user_id', '=', user.id).execute(),
    db.selectFrom('sessions').select(['id', 'site_id', 'created_at', 'expires_at', 'last_used_at']).where('user_id', '=', user.id).execute(),
    db.selectFrom('site_members').select(['site_id', 'role', 'created_at']).where('user_id', '=', user.id).execute(),
    db
      .selectFrom('comments as c')
      .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
      .select([
        'c.site_id', 'c.id', 'c.parent_id', 't.url', 't.title', 'c.body_source', 'c.status', 'c.score', 'c.created_at', 'c.edited_at',
      ])
      .where('c.author_user_id', '=', user.id)
      .orderBy('c.created_at')
      .execute(),
    db.selectFrom('votes').select(['site_id', 'comment_id', 'value', 'created_at', 'updated_at']).where('user_id', '=', user.id).execute(),
    db
      .selectFrom('notify_subscriptions as s')
      .innerJoin('notify_recipients as r', (j) => j.onRef('r.site_id', '=', 's.site_id').onRef('r.id', '=', 's.recipient_id'))
      .leftJoin('threads as t', (j) => j.onRef('t.site_id', '=', 's.site_id').onRef('t.id', '=', 's.thread_id'))
      .select(['s.site_id', 's.comment_id', 't.url', 't.title', 's.created_at'])
      .where('r.user_id', '=', user.id)
      .orderBy('s.created_at')
      .execute(),
    db.selectFrom('reactions').select(['site_id', 'comment_id', 'kind', 'created_at']).where('reactor', '=', `user:${user.id}`).orderBy('created_at').execute(),
    db.selectFrom('reader_profiles').select(['site_id', 'bio', 'bio_hidden_at', 'updated_at']).where('user_id', '=', user.id).execute(),
  ])
  return {
    format: EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    account: {
      id: user.id,
      email: user.email,
      emailVerifiedAt: user.email_verified_at?.toISOString() ?? null,
      displayName: user.display_name,
      hasPassword: user.password_hash !== null,
      isInstanceAdmin: user.is_instance_admin,
      createdAt: user.created_at.toISOString(),
    },
    signInProviders: identities.map((i) => ({ provider: i.provider, subject: i.subject, email: i.email, linkedAt: i.created_at.toISOString() })),
    sessions: sessions.map((s) => ({
      siteId: s.site_id,
      current: s.id === currentSessionId,
      createdAt: s.created_at.toISOString(),
      lastUsedAt: s.last_used_at?.toISOString() ?? null,
      expiresAt: s.expires_at.toISOString(),
    })),
    siteRoles: memberships.map((m) => ({ siteId: m.site_id, role: m.role, since: m.created_at.toISOString() })),
    comments: comments.map((c) => ({
      siteId: c.site_id,
      id: c.id,
      parentId: c.parent_id,
      page: { url: c.url, title: c.title },
      markdown: c.body_source,
      status: c.status,
      score: c.score,
      createdAt: c.created_at.toISOString(),
      editedAt: c.edited_at?.toISOString() ?? null,
    })),
    notifications: {
      replies: user.notify_replies,
      locale: user.notify_locale,
      follows: follows.map((f) => ({
        siteId: f.site_id,
        ...(f.comment_id ? { repliesTo: f.comment_id } : { page: { url: f.url, title: f.title } }),
        since: f.created_at.toISOString(),
      })),
    },
    votes: votes.map((v) => ({
      siteId: v.site_id,
      commentId: v.comment_id,
      value: v.value,
      createdAt: v.created_at.toISOString(),
      updatedAt: v.updated_at.toISOString(),
    })),
    profile: {
      public: user.profile_public,
      bios: bios.map((b) => ({ siteId: b.site_id, bio: b.bio, hiddenByModerators: b.bio_hidden_at !== null, updatedAt: b.updated_at.toISOString() })),
    },
    reactions: reactions.map((r) => ({ siteId: r.site_id, commentId: r.comment_id, kind: r.kind, createdAt: r.created_at.toISOString() })),
  }
}

/**
 * Deletes an account. Its comments either stay, shown as from a deleted user (no name, no
 * link to anyone), or are deleted as their author would delete them (tombstones where others
 * replied, so replies keep their place). Its votes and reactions come off the counts first.
 */
export async function deleteAccount(
  deps: Pick<Deps, 'db' | 'clock' | 'pages'>,
  user: UserRow,
  comments: 'keep' | 'remove',
): Promise<void> {
  const { db, clock } = deps
  const soleOwnerOf = await db
    .selectFrom('site_members as m')
    .innerJoin('sites as s', 's.id', 'm.site_id')
    .select(['s.id', 's.name'])
    .where('m.user_id', '=', user.id)
    .where('m.role', '=', 'owner')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('site_members as o')
            .select('o.user_id')
            .whereRef('o.site_id', '=', 'm.site_id')
            .where('o.role', '=', 'owner')
            .where('o.user_id', '!=', user.id),
        ),
      ),
    )
    .execute()
  if (soleOwnerOf.length > 0)
    throw new AppError(
      'conflict',
      `You are the only owner of ${soleOwnerOf.map((s) => s.name).join(', ')}. Make someone else owner first, so the site is not left without one.`,
    )
  if (comments === 'remove') {
    const own = await db.selectFrom('comments').select(['site_id', 'id']).where('author_user_id', '=', user.id).where('status', '!=', 'deleted').execute()
    const actor = { kind: 'user' as const, userId: user.id, isInstanceAdmin: false, roles: new Map() }
    const sites = new Map<string, SiteRow>()
    for (const row of own) {
      const site = sites.get(row.site_id) ?? (await getSite(db, row.site_id))
      sites.set(site.id, site)
      await deleteComment(deps, site, row.id, { actor, editToken: undefined })
    }
  }
  await changeThreads(deps, async (trx) => {
    const unreacted = await withdrawReactions(trx, `user:${user.id}`)
    const unvoted = await sql<{ site_id: string; key: string }>`
      with gone as (
        update comments c set
          upvotes = c.upvotes - (v.value = 1)::int,
          downvotes = c.downvotes - (v.value = -1)::int,
          score = c.score - v.value
        from votes v
        where v.user_id = ${user.id} and c.site_id = v.site_id and c.id = v.comment_id
        returning c.site_id, c.thread_id
      )
      update threads t set version = t.version + 1, updated_at = ${clock.now()}
      from (select distinct site_id, thread_id from gone
        union select * from jsonb_to_recordset(${JSON.stringify(unreacted)}::jsonb) as r(site_id text, thread_id uuid)) g
      where t.site_id = g.site_id and t.id = g.thread_id
      returning t.site_id, t.key`.execute(trx)
    const renamed = await sql<{ site_id: string; key: string }>`
      update threads t set version = t.version + 1, updated_at = ${clock.now()}
      from (select distinct site_id, thread_id from comments where author_user_id = ${user.id}) g
      where t.site_id = g.site_id and t.id = g.thread_id
      returning t.site_id, t.key`.execute(trx)
    // Scores and names change quietly: pages show them when next read.
    for (const t of [...unvoted.rows, ...renamed.rows]) threadChangedQuietly(trx, t.site_id, t.key)
    await trx.updateTable('comments').set({ author_name: '' }).where('author_user_id', '=', user.id).execute()
    await trx.deleteFrom('users').where('id', '=', user.id).execute()
  })
}
