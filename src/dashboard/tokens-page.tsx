import type { listApiTokens } from '../auth/api-tokens.ts'
import type { SiteRow } from '../db/schema.ts'
import { Layout, SiteNav } from './layout.tsx'
import { Time } from './time.tsx'
import type { SignedInViewer } from './viewer.ts'

type Token = Awaited<ReturnType<typeof listApiTokens>>[number]

const SCOPES = [
  ['read', 'Read', 'the queue, search, the audit log, settings and imports’ progress'],
  ['moderate', 'Moderate', 'also approve, hide, ban and every other moderation action'],
  ['admin', 'Administer', 'also change the settings, move and merge threads, import, and export (with guests’ addresses)'],
] as const

/** /admin/sites/{site}/tokens: owners make tokens for their scripts, see when each was last used, revoke them. */
export function TokensPage(props: { viewer: SignedInViewer; site: SiteRow; canManage: boolean; tokens: Token[]; apiUrl: string }) {
  const { site, tokens } = props
  return (
    <Layout title={`API tokens · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="settings" />
      <h2 id="tokens-title">API tokens</h2>
      {!props.canManage ? (
        <p class="lede">Only the site’s owners manage API tokens.</p>
      ) : (
        <>
          <p class="lede">
            A script sends a token as <code>Authorization: Bearer …</code> to this site’s moderation and administration routes under{' '}
            <code>{props.apiUrl}/api/v1/</code>. It acts for you, within its scope, until it is revoked, expires, or you stop being an owner.
          </p>
          <form id="token-form" class="inline-form" data-site={site.id} novalidate>
            <h3>New token</h3>
            <label>
              Name <input name="name" required maxlength={100} autocomplete="off" placeholder="Nightly backup" />
            </label>
            <label>
              Scope
              <select name="scope" aria-describedby="scopes">
                {SCOPES.map(([value, label]) => (
                  <option value={value}>{label}</option>
                ))}
              </select>
            </label>
            <ul id="scopes" class="meta">
              {SCOPES.map(([, label, what]) => (
                <li>
                  {label}: {what}.
                </li>
              ))}
            </ul>
            <label>
              Expires
              <select name="expiresInDays">
                <option value="30">in 30 days</option>
                <option value="90" selected>
                  in 90 days
                </option>
                <option value="365">in a year</option>
                <option value="">never</option>
              </select>
            </label>
            <button type="submit" class="primary">
              Create the token
            </button>
          </form>
          <div id="new-token" class="new-token" hidden>
            <p>
              <strong>Copy it now: it is not shown again.</strong>
            </p>
            <pre>
              <code id="new-token-value"></code>
            </pre>
            <button type="button" data-copy="new-token-value">
              Copy
            </button>{' '}
            <span id="copy-status" role="status"></span>
          </div>
          {tokens.length === 0 ? (
            <p class="empty" id="no-tokens">
              No tokens yet.
            </p>
          ) : null}
          <ul class="records" aria-labelledby="tokens-title" id="tokens" data-site={site.id}>
            {tokens.map((t) => (
              <li class="record" data-token={t.id} data-name={t.name}>
                <p class="record-head">
                  <strong>{t.name}</strong>
                  <span class="badge">{t.scope}</span>
                </p>
                <p class="meta">
                  <span>
                    Made <Time at={t.created_at} />
                    {t.created_by_name ? ` by ${t.created_by_name}` : ''}
                  </span>
                  <span>{t.last_used_at ? <>Last used <Time at={t.last_used_at} /></> : 'Never used'}</span>
                  <span>
                    {t.revoked_at ? (
                      <>
                        Revoked <Time at={t.revoked_at} />
                      </>
                    ) : t.expires_at ? (
                      <>
                        Expires <Time at={t.expires_at} />
                      </>
                    ) : (
                      'Does not expire'
                    )}
                  </span>
                </p>
                {!t.revoked_at && (
                  <button type="button" data-revoke="">
                    Revoke<span class="sr-only"> {t.name}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  )
}
