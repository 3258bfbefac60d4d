import type { SiteRow } from '../db/schema.ts'
import { INSTALL_CHECK_DAYS, type InstallCheck } from '../sites/install-check.ts'
import { Time } from './time.tsx'

const times = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'time' : 'times'}`

/**
 * Whether the embed works: the origins where the widget loaded in the last days, and, as
 * prominently, those refused, each with a button for owners to allow it (dashboard.js).
 */
export function InstallCheckSection(props: { site: SiteRow; check: InstallCheck[]; canManage: boolean }) {
  const refused = props.check.filter((c) => !c.allowed)
  const loaded = props.check.filter((c) => c.allowed)
  return (
    <section aria-labelledby="install-title" id="install-check" data-site={props.site.id} data-origins={JSON.stringify(props.site.allowed_origins)}>
      <h2 id="install-title">Where the widget loads</h2>
      {refused.map((r) => (
        <div class="refused" data-origin={r.origin}>
          <p>
            <code>{r.origin}</code> tried to load comments {times(r.loads)}, but is not allowed. Last: <Time at={r.lastAt} />
            {r.pages[0] && (
              <>
                , on <bdi>{r.pages[0].page}</bdi>
              </>
            )}
            .
          </p>
          {props.canManage ? (
            <button type="button" class="primary" data-allow-origin={r.origin}>
              Allow it<span class="sr-only"> ({r.origin})</span>
            </button>
          ) : (
            <p class="hint">An owner of the site can allow it in the settings.</p>
          )}
        </div>
      ))}
      {loaded.length === 0 ? (
        <p class="lede">
          The widget has not loaded on an allowed page in the last {INSTALL_CHECK_DAYS} days. Paste the embed code into a page on{' '}
          <span data-origins-list=" or ">{props.site.allowed_origins.join(' or ')}</span> and open it: it shows here within a minute.
        </p>
      ) : (
        <table class="loads">
          <caption class="sr-only">Loads by origin, last {INSTALL_CHECK_DAYS} days</caption>
          <thead>
            <tr>
              <th scope="col">Origin</th>
              <th scope="col">Loads</th>
              <th scope="col">Last</th>
              <th scope="col">Busiest pages</th>
            </tr>
          </thead>
          <tbody>
            {loaded.map((l) => (
              <tr>
                <th scope="row">
                  <code>{l.origin}</code>
                </th>
                <td>{l.loads.toLocaleString('en-US')}</td>
                <td>
                  <Time at={l.lastAt} />
                </td>
                <td>
                  <ul class="pages">
                    {l.pages.map((p) => (
                      <li>
                        <bdi>{p.page}</bdi> <span class="meta">({p.loads.toLocaleString('en-US')})</span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
