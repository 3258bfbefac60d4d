import { sql, type Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'

/** Who is looking: the reader themself, the site's moderators, or anyone else. */
export type ProfileViewer = 'self' | 'moderator' | 'other'

/**
 * A reader's profile on a site, in one query: their account, their bio here, whether the site's
 * moderators shadow-banned them, and their first published comment here (an index probe).
 * Undefined when there is nothing this viewer may see, which is the same answer as for an
 * account that does not exist: a profile never tells who has an account.
 */
export async function readProfile(db: Kysely<Database>, site: SiteRow, userId: string, viewer: ProfileViewer) {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('reader_profiles as p', (j) => j.on('p.site_id', '=', site.id).onRef('p.user_id', '=', 'u.id'))
    .leftJoin('site_authors as a', (j) => j.on('a.site_id', '=', site.id).on('a.author', '=', sql<string>`'user:' || u.id::text`))
    .select([
      'u.id', 'u.display_name', 'u.profile_public', 'u.created_at', 'p.bio', 'p.bio_hidden_at',
      sql<boolean>`coalesce(a.shadow_banned, false)`.as('shadow_banned'),
      (eb) =>
        eb
          .selectFrom('comments as c')
          .select('c.created_at')
          .where('c.site_id', '=', site.id)
          .whereRef('c.author_user_id', '=', 'u.id')
          .where('c.status', '=', 'published')
          .orderBy('c.created_at')
          .limit(1)
          .as('first_comment_at'),
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst()
  if (!row) return undefined
  const isPublic = row.profile_public && site.public_profiles
  if (viewer === 'other' && (!isPublic || row.shadow_banned)) return undefined
  const bioHidden = row.bio_hidden_at !== null && row.bio_hidden_at !== undefined
  return {
    id: row.id,
    name: row.display_name,
    isPublic,
    /** The reader's own choice, whatever the site allows. */
    shown: row.profile_public,
    bio: bioHidden && viewer === 'other' ? '' : (row.bio ?? ''),
    bioHidden,
    joinedAt: row.first_comment_at ?? row.created_at,
  }
}
