import type { SiteRow } from '../db/schema.ts'
import type { DeliveryEntry } from '../notifications/delivery-log.ts'
import { Layout, SiteNav } from './layout.tsx'
import { Time } from './time.tsx'
import type { SignedInViewer } from './viewer.ts'

const STATUS_LABELS = { queued: 'Waiting to be sent', retrying: 'Retrying', sent: 'Sent', failed: 'Failed' } as const

/** /admin/sites/{site}/mail: owners send a test mail and see how the site's mails fared. */
export function MailPage(props: { viewer: SignedInViewer; site: SiteRow; mails: DeliveryEntry[] }) {
  const { site, mails } = props
  return (
    <Layout title={`Mail · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="settings" />
      <section aria-labelledby="test-title">
        <h2 id="test-title">Test mail</h2>
        <p class="lede">
          Readers can ask for mail about replies. To check that mail from Engawa arrives, send a test mail to your own address
          {props.viewer.user.email ? ` (${props.viewer.user.email})` : ''}; it shows below once it is queued.
        </p>
        <button type="button" class="primary" id="test-mail" data-site={site.id}>
          Send a test mail
        </button>
      </section>
      <section aria-labelledby="log-title">
        <h2 id="log-title">Delivery log</h2>
        {mails.length === 0 ? (
          <p class="empty">No mail about this site yet.</p>
        ) : (
          <ul class="records" aria-labelledby="log-title" id="deliveries">
            {mails.map((m) => (
              <li class="record" data-status={m.status}>
                <p class="record-head">
                  <span>{m.subject}</span>
                  <span class="when">
                    <Time at={m.createdAt} />
                  </span>
                </p>
                <p class="meta">
                  <span>To {m.to}</span>
                  <span>
                    {STATUS_LABELS[m.status]}
                    {m.settledAt && (
                      <>
                        {' '}
                        <Time at={m.settledAt} />
                      </>
                    )}
                    {m.status === 'retrying' && m.nextAttemptAt && (
                      <>
                        , next attempt <Time at={m.nextAttemptAt} />
                      </>
                    )}
                  </span>
                  <span>
                    {m.attempts} {m.attempts === 1 ? 'attempt' : 'attempts'}
                  </span>
                </p>
                {m.lastError && <p class="reason">The mail server answered: {m.lastError}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  )
}
