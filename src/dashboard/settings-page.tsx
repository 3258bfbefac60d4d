import type { SiteRow } from '../db/schema.ts'
import { settingsOf, type SiteSettings } from '../sites/settings.ts'
import { Layout, SiteNav } from './layout.tsx'
import type { Invitation, Member } from '../sites/members.ts'
import { Time } from './time.tsx'
import { ConfirmDialog } from './dialogs.tsx'
import type { SignedInViewer } from './viewer.ts'

const PREMODERATION = [
  ['off', 'No: comments appear at once'],
  ['first', 'The first comment of each new author'],
  ['all', 'Every comment'],
] as const

const REACTIONS = [
  ['off', 'Nobody: reactions are not shown'],
  ['accounts', 'Signed-in readers'],
  ['everyone', 'Everyone, guests too'],
] as const

const NUMBERS = [
  ['maxLinks', 'Most links in one comment', 0, 1000],
  ['authorPostsPerHour', 'Comments one author may post per hour', 1, 100_000],
  ['reportThreshold', 'Readers’ reports that hide a comment until reviewed', 1, 1000],
  ['editWindowSeconds', 'Seconds an author may edit after posting (900 is 15 minutes)', 0, 31_536_000],
  ['maxCommentLength', 'Longest comment, in characters', 1, 50_000],
] as const

const SWITCHES = [
  ['guestsAllowed', 'Readers may comment without an account'],
  ['allowsImages', 'Comments may show images'],
  ['spamCheck', 'Ask the spam service about each new comment'],
  ['publicProfiles', 'Readers may show their profiles, with their comments here'],
] as const

/** The rules as a form the script sends with PATCH /api/v1/admin/sites/{site}/settings. */
function SettingsForm(props: { siteId: string; s: SiteSettings }) {
  const { s } = props
  return (
    <form id="settings-form" class="settings" data-site={props.siteId} novalidate>
      <label>
        Site name <input name="name" value={s.name} required maxlength={100} />
      </label>
      <fieldset>
        <legend>Hold comments for approval</legend>
        {PREMODERATION.map(([value, label]) => (
          <label class="check">
            <input type="radio" name="premoderation" value={value} checked={s.premoderation === value} /> {label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Who may react to comments</legend>
        {REACTIONS.map(([value, label]) => (
          <label class="check">
            <input type="radio" name="reactions" value={value} checked={s.reactions === value} /> {label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Allowed</legend>
        {SWITCHES.map(([name, label]) => (
          <label class="check">
            <input type="checkbox" name={name} checked={s[name]} /> {label}
          </label>
        ))}
      </fieldset>
      <label>
        Blocked words, one a line: a comment with one of them waits for approval
        <textarea name="blockedWords" rows={4}>
          {s.blockedWords.join('\n')}
        </textarea>
      </label>
      <label>
        Blocked domains, one a line: a comment linking there waits for approval
        <textarea name="blockedLinks" rows={4}>
          {s.blockedLinks.join('\n')}
        </textarea>
      </label>
      {NUMBERS.map(([name, label, min, max]) => (
        <label>
          {label} <input type="number" name={name} value={String(s[name])} min={min} max={max} step={1} inputmode="numeric" required />
        </label>
      ))}
      <button type="submit" class="primary">
        Save the settings
      </button>
    </form>
  )
}

/** What moderators see: the same rules, to read. */
function SettingsList(props: { s: SiteSettings }) {
  const { s } = props
  const yes = (b: boolean) => (b ? 'Yes' : 'No')
  const rows: Array<[string, string]> = [
    ['Hold comments for approval', PREMODERATION.find(([v]) => v === s.premoderation)?.[1] ?? s.premoderation],
    ['Who may react to comments', REACTIONS.find(([v]) => v === s.reactions)?.[1] ?? s.reactions],
    ...SWITCHES.map(([name, label]): [string, string] => [label, yes(s[name])]),
    ['Blocked words', s.blockedWords.join(', ') || 'None'],
    ['Blocked domains', s.blockedLinks.join(', ') || 'None'],
    ...NUMBERS.map(([name, label]): [string, string] => [label, String(s[name])]),
  ]
  return (
    <dl class="settings-list">
      {rows.map(([term, value]) => (
        <div>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function Members(props: { siteId: string; viewerId: string; members: Member[]; invitations: Invitation[] }) {
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Owners and moderators</h2>
      <ul class="records" id="members" data-site={props.siteId} data-me={props.viewerId}>
        {props.members.map((m) => (
          <li class="record" data-user={m.userId} data-name={m.displayName}>
            <p class="record-head">
              <span>
                <strong><bdi>{m.displayName}</bdi></strong> {m.email && <span class="meta">{m.email}</span>}
              </span>
              <span class="badge">{m.role}</span>
            </p>
            {m.userId !== props.viewerId && (
              <button type="button" data-remove="">
                Remove<span class="sr-only"> {m.displayName}</span>
              </button>
            )}
          </li>
        ))}
        {props.invitations.map((i) => (
          <li class="record">
            <p class="record-head">
              <span>
                <strong>{i.email}</strong> <span class="meta">invited, until <Time at={i.expiresAt} /></span>
              </span>
              <span class="badge">{i.role}</span>
            </p>
          </li>
        ))}
      </ul>
      <form id="invite-form" class="inline-form" data-site={props.siteId} novalidate>
        <h3>Invite someone</h3>
        <label>
          Their email <input type="email" name="email" required autocomplete="off" maxlength={254} />
        </label>
        <label>
          As
          <select name="role">
            <option value="moderator" selected>
              Moderator
            </option>
            <option value="owner">Owner</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Send the invitation
        </button>
      </form>
    </section>
  )
}

/** The origins whose pages may show the comments; removing one with threads asks first (dashboard.js). */
function Origins(props: { site: SiteRow }) {
  return (
    <section aria-labelledby="origins-title">
      <h2 id="origins-title">Allowed origins</h2>
      <form id="origins-form" class="settings" data-site={props.site.id} novalidate>
        <label>
          Pages on these origins may show the comments: one a line
          <textarea name="origins" rows={Math.max(2, props.site.allowed_origins.length + 1)} required>
            {props.site.allowed_origins.join('\n')}
          </textarea>
        </label>
        <p class="hint">Adding one works at once. Removing one hides its pages’ comments there but deletes none: add it back and they return.</p>
        <button type="submit" class="primary">
          Save the origins
        </button>
      </form>
    </section>
  )
}

/** Deleting the site: the export first, then the name typed, then one DELETE (dashboard.js). */
function DeleteSite(props: { site: SiteRow }) {
  return (
    <section aria-labelledby="delete-title" class="danger-zone">
      <h2 id="delete-title">Delete the site</h2>
      <p>
        This deletes every thread, comment, vote, report and setting of <strong>{props.site.name}</strong>, at once and for good. Download the{' '}
        <a href={`/api/v1/admin/sites/${props.site.id}/export?format=engawa`} download>
          export
        </a>{' '}
        first if you may want them back.
      </p>
      <form id="delete-site-form" data-site={props.site.id} data-name={props.site.name} novalidate>
        <label>
          Type the site’s name, <strong>{props.site.name}</strong>, to confirm <input name="name" autocomplete="off" required />
        </label>
        <button type="submit" class="danger" disabled>
          Delete {props.site.name}
        </button>
      </form>
    </section>
  )
}

/** Plain links: the browser downloads the attachment with the dashboard cookie; no script needed. */
function Export(props: { siteId: string }) {
  const href = (format: string) => `/api/v1/admin/sites/${props.siteId}/export?format=${format}`
  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p class="lede">
        Every thread and comment of the site with its moderation state, to keep or to take elsewhere. Guests’ email addresses are included; accounts’ are
        not.
      </p>
      <p class="downloads">
        <a class="button" id="export-engawa" href={href('engawa')} download>
          Download as Engawa JSON
        </a>{' '}
        <a class="button" id="export-disqus" href={href('disqus')} download>
          Download as Disqus XML
        </a>
      </p>
    </section>
  )
}

/** /admin/sites/{site}/settings: rules and people for owners; the rules to read, for moderators. */
export function SettingsPage(props: {
  viewer: SignedInViewer
  site: SiteRow
  canManage: boolean
  people: { members: Member[]; invitations: Invitation[] } | undefined
  /** The viewer's own choice, when they are a member. */
  notifyQueue: boolean | undefined
}) {
  const { site, canManage } = props
  const s = settingsOf(site)
  return (
    <Layout title={`Settings · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="settings" />
      {props.notifyQueue !== undefined && (
        <section aria-labelledby="mail-title">
          <h2 id="mail-title">Your mail</h2>
          <label class="check">
            <input type="checkbox" id="notify-queue" data-site={site.id} checked={props.notifyQueue} /> Email me when something enters the queue (at most
            one mail every few minutes)
          </label>
        </section>
      )}
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">Rules</h2>
        {canManage ? (
          <SettingsForm siteId={site.id} s={s} />
        ) : (
          <>
            <p class="lede">Only the site’s owners can change these.</p>
            <SettingsList s={s} />
          </>
        )}
      </section>
      {canManage && <Origins site={site} />}
      {canManage && props.people && <Members siteId={site.id} viewerId={props.viewer.user.id} {...props.people} />}
      {canManage && <Export siteId={site.id} />}
      {canManage && (
        <section aria-labelledby="owner-tools-title">
          <h2 id="owner-tools-title">More for owners</h2>
          <ul>
            <li>
              <a href={`/admin/sites/${site.id}/import`}>Import comments</a> from Disqus, WordPress, Remark42, Commento, Isso, Waline or Artalk.
            </li>
            <li>
              <a href={`/admin/sites/${site.id}/webhooks`}>Webhooks</a>: tell your own services about new comments, edits, moderation and reports.
            </li>
            <li>
              <a href={`/admin/sites/${site.id}/mail`}>Readers’ mail</a>: send a test mail, and see what was sent, what waits and what failed.
            </li>
            <li>
              <a href={`/admin/sites/${site.id}/threads`}>Thread moves</a>: when articles change address, their comments follow.
            </li>
            <li>
              <a href={`/admin/sites/${site.id}/tokens`}>API tokens</a> for your scripts: read, moderate or administer this site.
            </li>
          </ul>
        </section>
      )}
      {canManage && <DeleteSite site={site} />}
      {canManage && <ConfirmDialog />}
    </Layout>
  )
}
