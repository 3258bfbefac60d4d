import type { SiteRow } from '../db/schema.ts'
import type { AuthorStanding } from '../moderation/authors.ts'
import { authorLabel, CommentList, type ModeratedItem } from './comment-card.tsx'
import { ModerationDialogs } from './dialogs.tsx'
import { Layout, SiteNav } from './layout.tsx'
import { Time } from './time.tsx'
import type { SignedInViewer } from './viewer.ts'

function BanText(props: { ban: AuthorStanding['ban'] }) {
  const { ban } = props
  if (!ban) return <>Not banned</>
  return (
    <>
      {ban.until ? (
        <>
          Banned, ending <Time at={ban.until} />
        </>
      ) : (
        'Banned for good'
      )}
      {ban.reason && `: ${ban.reason}`}
    </>
  )
}

/** /admin/sites/{site}/authors/{author}: how an author stands on the site, and what they wrote. */
export function AuthorPage(props: { viewer: SignedInViewer; site: SiteRow; standing: AuthorStanding; items: ModeratedItem[] }) {
  const { site, standing, items } = props
  const name = items[0] ? authorLabel(items[0]) : standing.author
  const kind = standing.author.startsWith('user:') ? 'An account' : 'A guest, known by a salted hash of their network'
  const banned = standing.ban !== null
  return (
    <Layout title={`${name} · ${site.name}`} viewer={props.viewer}>
      <h1><bdi>{name}</bdi></h1>
      <SiteNav siteId={site.id} current="search" />
      <p class="lede">
        {kind}: <code class="key">{standing.author}</code>
      </p>
      <section aria-labelledby="standing-title">
        <h2 id="standing-title">Standing on {site.name}</h2>
        <dl class="standing" id="standing" data-site={site.id} data-author={standing.author} data-name={name}>
          <div>
            <dt>Ban</dt>
            <dd data-field="ban">
              <BanText ban={standing.ban} />
            </dd>
          </div>
          <div>
            <dt>Shadow ban</dt>
            <dd data-field="shadow">{standing.shadowBanned ? 'Yes: their comments are shown to them alone' : 'No'}</dd>
          </div>
          <div>
            <dt>Trusted</dt>
            <dd data-field="trusted">{standing.trusted ? 'Yes: their comments skip approval' : 'No'}</dd>
          </div>
        </dl>
        <div class="actions" id="author-actions">
          <button type="button" class="danger" data-author-act="ban" hidden={banned}>
            Ban…
          </button>
          <button type="button" data-author-act="unban" hidden={!banned}>
            Lift the ban
          </button>
          <button type="button" data-author-act="shadow-ban" hidden={standing.shadowBanned}>
            Shadow-ban
          </button>
          <button type="button" data-author-act="unshadow-ban" hidden={!standing.shadowBanned}>
            Undo the shadow ban
          </button>
          <button type="button" data-author-act="trust" hidden={standing.trusted}>
            Trust
          </button>
          <button type="button" data-author-act="untrust" hidden={!standing.trusted}>
            Stop trusting
          </button>
        </div>
      </section>
      <CommentList id="comments-title" items={items} empty="No comments on this site" limit={100} limitNote="most recent" />
      <ModerationDialogs shortcuts={false} />
    </Layout>
  )
}
