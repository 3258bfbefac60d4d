import type { QueueSort } from '../moderation/queries.ts'
import { CommentCard, type ModeratedItem } from './comment-card.tsx'
import { ModerationDialogs } from './dialogs.tsx'
import { Layout } from './layout.tsx'
import type { SignedInViewer } from './viewer.ts'

const SORTS: ReadonlyArray<[QueueSort, string]> = [
  ['newest', 'Newest first'],
  ['reports', 'Most reported first'],
]

/** /admin: pending and reported comments across the viewer's sites (or one of them). */
export function QueuePage(props: { viewer: SignedInViewer; items: ModeratedItem[]; sort: QueueSort; only?: { id: string; name: string } }) {
  const { viewer, items, sort, only } = props
  const query = (s: QueueSort) => `/admin?${new URLSearchParams({ ...(only ? { site: only.id } : {}), sort: s })}`
  return (
    <Layout title="Queue" viewer={viewer} current={only ? undefined : '/admin'}>
      <div class="page-head">
        <h1>{only ? `Queue of ${only.name}` : 'Queue'}</h1>
        <button type="button" class="quiet" data-open="help-dialog" aria-keyshortcuts="?">
          Keyboard shortcuts
        </button>
      </div>
      <p class="lede" id="queue-count">
        {items.length === 0
          ? 'Nothing is waiting.'
          : `${items.length} ${items.length === 1 ? 'comment waits' : 'comments wait'} for a moderator${only ? '' : viewer.sites.length > 1 ? ` across ${viewer.sites.length} sites` : ''}.`}
        {only && (
          <>
            {' '}
            <a href="/admin">Show every site’s queue</a>
          </>
        )}
      </p>
      <nav class="segmented" aria-label="Order">
        <ul>
          {SORTS.map(([s, label]) => (
            <li>
              <a href={query(s)} aria-current={s === sort ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {items.length > 0 && (
        <div class="bulk" role="group" aria-label="Act on the selected comments">
          <label class="check">
            <input type="checkbox" id="pick-all" /> Select all
          </label>
          <span id="picked" class="picked">
            None selected
          </span>
          <button type="button" data-bulk="approve" disabled>
            Approve
          </button>
          <button type="button" data-bulk="hide" disabled>
            Hide…
          </button>
          <button type="button" data-bulk="spam" disabled>
            Spam
          </button>
        </div>
      )}
      <ol class="items" id="queue" data-queue="" aria-label="Comments waiting">
        {items.map((item) => (
          <CommentCard item={item} level={2} selectable showSite={!only && viewer.sites.length > 1} />
        ))}
      </ol>
      <p class="empty" id="queue-empty" tabindex={-1} hidden={items.length > 0}>
        The queue is empty: every comment has been looked at.
      </p>
      <ModerationDialogs shortcuts />
      {!only && viewer.sites.length > 0 && (
        <section id="sites" aria-labelledby="sites-title" class="sites">
          <h2 id="sites-title">Your sites</h2>
          <ul>
            {viewer.sites.map((s) => (
              <li>
                <a href={`/admin/sites/${s.id}`}>{s.name}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  )
}

/** /admin for an account that moderates no site yet. */
export function NoSitesPage(props: { viewer: SignedInViewer }) {
  return (
    <Layout title="Nothing to moderate" viewer={props.viewer}>
      <h1>Nothing to moderate yet</h1>
      <p>
        You are signed in as <strong>{props.viewer.user.display_name}</strong>, but this account does not moderate any site.
      </p>
      {props.viewer.mayCreateSites && (
        <p>
          <a class="button primary" href="/admin/sites/new">
            Create your first site
          </a>
        </p>
      )}
      <p>When a site’s owner invites you, open the link in their mail while signed in here, and its queue will appear on this page.</p>
      <p>
        <a href="/auth/account">Your account</a>
      </p>
    </Layout>
  )
}
