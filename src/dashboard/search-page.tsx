import type { SiteRow } from '../db/schema.ts'
import type { CommentSearch } from '../moderation/queries.ts'
import { CommentList, type ModeratedItem } from './comment-card.tsx'
import { ModerationDialogs } from './dialogs.tsx'
import { Layout, SiteNav } from './layout.tsx'
import type { SignedInViewer } from './viewer.ts'

export const SEARCH_STATUSES = ['published', 'pending', 'hidden', 'deleted', 'spam', 'shadowed'] as const

/** /admin/sites/{site}/search: every comment of the site, by text, author, page and status. */
export function SearchPage(props: {
  viewer: SignedInViewer
  site: SiteRow
  search: CommentSearch
  /** Undefined before a search is made. */
  items: ModeratedItem[] | undefined
  problem?: string
}) {
  const { site, search, items } = props
  return (
    <Layout title={`Search · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="search" />
      <h2>Search comments</h2>
      <form method="get" class="search" action={`/admin/sites/${site.id}/search`}>
        <label>
          Text <input type="search" name="text" value={search.text ?? ''} maxlength={200} />
        </label>
        <label>
          Author’s name or key <input name="author" value={search.author ?? ''} maxlength={120} autocomplete="off" />
        </label>
        <label>
          Page address or title <input name="page" value={search.page ?? ''} maxlength={500} autocomplete="off" />
        </label>
        <label>
          Status
          <select name="status">
            <option value="" selected={!search.status}>
              Any
            </option>
            {SEARCH_STATUSES.map((s) => (
              <option value={s} selected={search.status === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      {props.problem && (
        <p class="problem" role="alert">
          {props.problem}
        </p>
      )}
      {items && <CommentList id="results-title" items={items} empty="No comment matches" limit={100} limitNote="(the newest)" />}
      <ModerationDialogs shortcuts={false} />
    </Layout>
  )
}
