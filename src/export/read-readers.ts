import { sql } from 'kysely'
import { EXPORT_BATCH, keysetPages, type SiteSnapshot } from './read-site.ts'

export interface AccountReactionRow {
  comment_id: string
  /** user:<account id>: the author key comments' authors have. */
  reactor: string
  kind: string
  /** False while its reader is shadow-banned on the site: not in the comment's counts. */
  counted: boolean
  created_at: Date
  display_name: string
}

export interface BioRow {
  user_id: string
  bio: string
  bio_hidden_at: Date | null
  updated_at: Date
  display_name: string
}

/**
 * Accounts' reactions on the site's comments, in pages keyed by the primary key (comment, reactor,
 * kind), with the account's name. Guests' reactions are left out: their reactor is a salted hash of
 * their network, which never leaves Engawa. Bounded by `asOf`, so every reaction read is on a
 * comment the export holds (a comment exists before anyone reacts to it).
 */
export function readAccountReactions({ db, siteId, asOf, batchSize = EXPORT_BATCH }: SiteSnapshot): AsyncIterable<AccountReactionRow[]> {
  return keysetPages(
    batchSize,
    (after: { commentId: string; reactor: string; kind: string } | undefined) =>
      db
        .selectFrom('reactions as r')
        // The case keeps the cast away from guests' reactors whatever order the planner picks.
        .innerJoin('users as u', (j) => j.on('u.id', '=', sql<string>`case when r.reactor like 'user:%' then substr(r.reactor, 6)::uuid end`))
        .select(['r.comment_id', 'r.reactor', 'r.kind', 'r.counted', 'r.created_at', 'u.display_name'])
        .where('r.site_id', '=', siteId)
        .where('r.reactor', 'like', 'user:%')
        .where('r.created_at', '<=', asOf)
        // comment_id >= … starts the index range at the cursor; the row comparison then skips what the last page had.
        .where((eb) =>
          after === undefined
            ? eb.lit(true)
            : eb.and([eb('r.comment_id', '>=', after.commentId), sql<boolean>`(r.comment_id, r.reactor, r.kind) > (${after.commentId}::uuid, ${after.reactor}, ${after.kind})`]),
        )
        .orderBy('r.comment_id')
        .orderBy('r.reactor')
        .orderBy('r.kind')
        .limit(batchSize)
        .execute(),
    (row) => ({ commentId: row.comment_id, reactor: row.reactor, kind: row.kind }),
  )
}

/**
 * Readers' bios on the site (empty ones say nothing and are left out), with the account's name,
 * in pages in the order of their account ids (the primary key's). A bio has no creation time to
 * bound by `asOf`: one rewritten during the export is exported as it then reads.
 */
export function readBios({ db, siteId, batchSize = EXPORT_BATCH }: SiteSnapshot): AsyncIterable<BioRow[]> {
  return keysetPages(
    batchSize,
    (after: string | undefined) =>
      db
        .selectFrom('reader_profiles as p')
        .innerJoin('users as u', 'u.id', 'p.user_id')
        .select(['p.user_id', 'p.bio', 'p.bio_hidden_at', 'p.updated_at', 'u.display_name'])
        .where('p.site_id', '=', siteId)
        .where('p.bio', '!=', '')
        .where((eb) => (after === undefined ? eb.lit(true) : eb('p.user_id', '>', after)))
        .orderBy('p.user_id')
        .limit(batchSize)
        .execute(),
    (row) => row.user_id,
  )
}
