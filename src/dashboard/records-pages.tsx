import type { SiteRow } from '../db/schema.ts'
import { authorHref } from './comment-card.tsx'
import { Layout, SiteNav } from './layout.tsx'
import type { BanEntry } from '../moderation/records.ts'
import type { AuditEntry } from '../audit/audit-log.ts'
import { Time } from './time.tsx'
import type { SignedInViewer } from './viewer.ts'

/** /admin/sites/{site}/bans: who may not comment, until when, and a way to let them back. */
export function BansPage(props: { viewer: SignedInViewer; site: SiteRow; bans: BanEntry[] }) {
  const { site, bans } = props
  return (
    <Layout title={`Bans · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="bans" />
      <h2 id="bans-title">Bans in force</h2>
      {bans.length === 0 ? (
        <p class="empty">Nobody is banned.</p>
      ) : (
        <ul class="records" aria-labelledby="bans-title" id="bans">
          {bans.map((b) => (
            <li class="record" data-site={site.id} data-author={b.author} data-name={b.name}>
              <p class="record-head">
                <a href={authorHref(site.id, b.author)}><bdi>{b.name || 'A deleted account'}</bdi></a>
                <span class="when">
                  {b.until ? (
                    <>
                      ends <Time at={b.until} />
                    </>
                  ) : (
                    'for good'
                  )}
                </span>
              </p>
              <p class="meta">
                <span>
                  Banned <Time at={b.since} />
                </span>
                {b.bannedBy && <span>by {b.bannedBy}</span>}
              </p>
              {b.reason && <p class="reason">{b.reason}</p>}
              <button type="button" data-lift="">
                Lift<span class="sr-only"> the ban on {b.name || 'this author'}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  )
}

const ACTION_LABELS: Record<string, string> = {
  approve: 'approved',
  reject: 'rejected',
  hide: 'hid',
  unhide: 'restored',
  spam: 'marked as spam',
  delete: 'deleted',
  pin: 'pinned',
  unpin: 'unpinned',
  lock: 'locked',
  unlock: 'unlocked',
  'auto-hide': 'hid (reports)',
  ban: 'banned',
  unban: 'lifted the ban on',
  'shadow-ban': 'shadow-banned',
  'unshadow-ban': 'lifted the shadow ban on',
  trust: 'trusted',
  untrust: 'stopped trusting',
  settings: 'changed the settings of',
  import: 'imported comments into',
  export: 'exported the comments of',
  move: 'moved',
  merge: 'merged another thread into',
}

function actorName(entry: AuditEntry): string {
  if (entry.byOperator) return 'The operator (command line)'
  return entry.actor ?? (entry.action === 'auto-hide' ? 'Engawa' : 'A removed account')
}

function Target(props: { siteId: string; entry: AuditEntry }) {
  const { entry } = props
  const { name, excerpt, page, mentions, reactions } = entry.target
  const kind = entry.targetId.startsWith('user:') ? 'an account' : 'a guest'
  if (entry.targetKind === 'author')
    return <a href={authorHref(props.siteId, entry.targetId)}>{name ? <><bdi>{name}</bdi> ({kind === 'a guest' ? 'guest' : 'account'})</> : kind}</a>
  if (entry.targetKind === 'comment' && name !== undefined)
    return (
      <>
        a comment by <bdi>{name}</bdi>
        {excerpt && <> (“<bdi>{excerpt}</bdi>”)</>}
        {page && <> on <a href={page.url}>{page.title || page.url}</a></>}
        {mentions && <>; it mentions <bdi>{mentions.join(', ')}</bdi> (told only while it is published)</>}
        {reactions && <>; reactions: {Object.entries(reactions).map(([kind, n]) => `${kind} ${n}`).join(', ')}</>}
      </>
    )
  if (entry.targetKind === 'comment') return <>a comment</>
  if (entry.targetKind === 'thread') return <>a thread</>
  return <>the site</>
}

/** /admin/sites/{site}/audit: who did what, on what, when and why. */
export function AuditPage(props: { viewer: SignedInViewer; site: SiteRow; entries: AuditEntry[] }) {
  const { site, entries } = props
  return (
    <Layout title={`Audit log · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="audit" />
      <h2 id="audit-title">Audit log</h2>
      {entries.length === 0 ? (
        <p class="empty">Nothing has been done yet.</p>
      ) : (
        <>
          <p class="lede">The latest {entries.length === 200 ? '200 ' : ''}actions, newest first.</p>
          <ol class="records audit" aria-labelledby="audit-title">
            {entries.map((e) => (
              <li class="record">
                <p>
                  <strong><bdi>{actorName(e)}</bdi></strong> {ACTION_LABELS[e.action] ?? e.action}{' '}
                  <Target siteId={site.id} entry={e} />
                </p>
                <p class="meta">
                  <Time at={e.at} />
                  {e.targetKind === 'comment' && (
                    <span>
                      <span class="sr-only">Comment id </span>
                      <code class="key">{e.targetId}</code>
                    </span>
                  )}
                </p>
                {e.reason && <p class="reason">{e.reason}</p>}
              </li>
            ))}
          </ol>
        </>
      )}
    </Layout>
  )
}
