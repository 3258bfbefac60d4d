import type { SiteRow } from '../db/schema.ts'
import type { ImportJsonShape } from '../import/import-json.ts'
import { Layout, SiteNav } from './layout.tsx'
import { Time } from './time.tsx'
import type { SignedInViewer } from './viewer.ts'

/** How each format is named to people, and where its export comes from. */
const FORMAT_LABELS: Record<string, string> = {
  disqus: 'Disqus (XML: Admin › Community › Export)',
  wordpress: 'WordPress (WXR: Tools › Export)',
  remark42: 'Remark42 (backup JSON)',
  commento: 'Commento or Comentario (JSON export)',
  isso: 'Isso (its SQLite database file)',
  waline: 'Waline (JSON export)',
  artalk: 'Artalk (JSON export)',
}

const STATES = ['published', 'pending', 'hidden', 'removed', 'spam'] as const

const STATUS_LABELS = { running: 'Running', done: 'Done', failed: 'Failed' } as const

function Counts(props: { run: ImportJsonShape }) {
  const s = props.run.summary
  if (!s) return <p class="meta">{props.run.phase === 'reading' ? 'Reading the file…' : `Writing: ${props.run.threadsDone} of ${props.run.threadsTotal} threads`}</p>
  const states = STATES.map((state) => [state, s.comments.byState[state]] as const).filter(([, n]) => n > 0)
  return (
    <>
      <p>
        {s.comments.imported} comments imported{states.length > 0 && ` (${states.map(([state, n]) => `${n} ${state}`).join(', ')})`}, in{' '}
        {s.threads.created} new and {s.threads.updated} existing threads. {s.comments.alreadyImported > 0 && `${s.comments.alreadyImported} were imported before. `}
        {s.comments.linkedToAccounts > 0 && `${s.comments.linkedToAccounts} belong to accounts with the same verified email. `}
      </p>
      {[
        ['Repaired', s.repaired],
        ['Skipped', s.skipped],
      ].map(([title, tally]) =>
        typeof tally === 'object' && tally.total > 0 ? (
          <details>
            <summary>
              {title} {tally.total}
            </summary>
            <ul>
              {tally.reasons.map((r) => (
                <li>
                  {r.count} × {r.reason}
                  <span class="meta"> — e.g. {r.examples.join('; ')}</span>
                </li>
              ))}
            </ul>
          </details>
        ) : null,
      )}
    </>
  )
}

/** The site's latest imports; dashboard.js reads this list again from the page when one ends. */
export function ImportRuns(props: { runs: ImportJsonShape[] }) {
  return (
    <section aria-labelledby="runs-title" id="import-runs">
      <h2 id="runs-title" tabindex={-1}>
        Earlier imports
      </h2>
      {props.runs.length === 0 ? (
        <p class="empty">None yet.</p>
      ) : (
        <ol class="records">
          {props.runs.map((run) => (
            <li class="record">
              <p class="record-head">
                <span>
                  <strong>{run.fileName}</strong> <span class="meta">{run.format}</span>
                </span>
                <span class="badge">{STATUS_LABELS[run.status]}</span>
              </p>
              <p class="meta">
                <Time at={run.createdAt} />
              </p>
              {run.error && <p class="reason">{run.error}</p>}
              <Counts run={run} />
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

/** /admin/sites/{site}/import: an owner brings comments from another service. */
export function ImportPage(props: { viewer: SignedInViewer; site: SiteRow; formats: string[]; maxBytes: number; runs: ImportJsonShape[] }) {
  const { site } = props
  const maxMiB = Math.floor(props.maxBytes / (1 << 20))
  return (
    <Layout title={`Import · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="settings" />
      <h2>Import comments</h2>
      <p class="lede">
        Bring the comments of another service onto this site’s pages: threads with their titles, replies where they were, authors as guests (or as
        the Engawa account with the same verified email), dates, and what was hidden or removed. Importing the same file again adds nothing.
      </p>
      {props.formats.length === 0 ? (
        <p>Imports do not run on this server; use <code>npm run engawa -- import</code>.</p>
      ) : (
        <form id="import-form" class="settings" data-site={site.id} data-max-bytes={String(props.maxBytes)} novalidate>
          <label>
            Format
            <select name="format" required>
              {props.formats.map((f) => (
                <option value={f}>{FORMAT_LABELS[f] ?? f}</option>
              ))}
            </select>
          </label>
          <label>
            Export file (at most {maxMiB} MiB; larger files import with the CLI)
            <input type="file" name="file" required accept=".xml,.json,.db,.sqlite,application/xml,application/json" />
          </label>
          <label>
            Old addresses of this blog, one a line, as old=new (optional): threads on https://old.example land on your site
            <textarea name="mapOrigin" rows={2} placeholder={`https://old.example=${site.allowed_origins[0] ?? 'https://blog.example'}`}></textarea>
          </label>
          <button type="submit" class="primary">
            Upload and import
          </button>
        </form>
      )}
      <div id="import-progress" hidden>
        <label>
          <span id="import-step">Uploading</span>
          <progress id="import-bar" max={100} value={0}></progress>
        </label>
        <p id="import-status" role="status"></p>
      </div>
      <ImportRuns runs={props.runs} />
    </Layout>
  )
}
