import { WEBHOOK_EVENTS, type SiteRow, type WebhookAttemptRow, type WebhookRow } from '../db/schema.ts'
import { CopyableCode } from './copyable-code.tsx'
import { Layout, SiteNav } from './layout.tsx'
import { Time } from './time.tsx'
import type { SignedInViewer } from './viewer.ts'

export interface EndpointWithLog {
  webhook: WebhookRow
  attempts: WebhookAttemptRow[]
}

const OUTCOME_LABELS = { delivered: 'Delivered', retrying: 'Failed, will retry', failed: 'Failed, given up' } as const
const OUTCOME_BADGES = { delivered: 'published', retrying: 'pending', failed: 'deleted' } as const

function DeliveryLog(props: { attempts: WebhookAttemptRow[]; id: string }) {
  if (props.attempts.length === 0) return <p class="empty">Nothing sent yet.</p>
  return (
    <div class="table-wrap">
      <table class="delivery-log" aria-labelledby={`log-${props.id}`}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Result</th>
            <th scope="col">Answer</th>
          </tr>
        </thead>
        <tbody>
          {props.attempts.map((a) => (
            <tr>
              <td>
                <Time at={a.attempted_at.toISOString()} />
              </td>
              <td>
                {a.event_type}
                {a.attempt > 1 && <span class="meta"> attempt {a.attempt}</span>}
              </td>
              <td>
                <span class={`badge ${OUTCOME_BADGES[a.outcome]}`}>{OUTCOME_LABELS[a.outcome]}</span>
                <span class="meta">
                  {a.status_code ?? 'no answer'} · {a.duration_ms} ms
                </span>
              </td>
              <td class="excerpt">{a.error ? `${a.error} ${a.response_excerpt}`.trim() : a.response_excerpt}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Endpoint(props: { item: EndpointWithLog }) {
  const { webhook: w, attempts } = props.item
  return (
    <li class="record" data-webhook={w.id} data-url={w.url} data-enabled={String(w.enabled)}>
      <p class="record-head">
        <span>
          <strong>{w.url}</strong> {w.description && <span class="meta">{w.description}</span>}
        </span>
        <span class={`badge ${w.enabled ? 'published' : ''}`} data-field="state">
          {w.enabled ? 'On' : 'Off'}
        </span>
      </p>
      <p class="meta">Events: {w.events.join(', ')}</p>
      <div class="actions">
        <button type="button" data-hook-act="toggle">
          {w.enabled ? 'Turn off' : 'Turn on'}
          <span class="sr-only"> {w.url}</span>
        </button>
        <button type="button" data-hook-act="test">
          Send a test event<span class="sr-only"> to {w.url}</span>
        </button>
        <button type="button" data-hook-act="rotate">
          New secret<span class="sr-only"> for {w.url}</span>
        </button>
        <button type="button" class="danger" data-hook-act="delete">
          Delete<span class="sr-only"> {w.url}</span>
        </button>
      </div>
      <h3 id={`log-${w.id}`}>Deliveries</h3>
      <DeliveryLog attempts={attempts} id={w.id} />
    </li>
  )
}

/** /admin/sites/{site}/webhooks, for owners: endpoints, their secrets (once), tests and delivery logs. */
export function WebhooksPage(props: { viewer: SignedInViewer; site: SiteRow; endpoints: EndpointWithLog[] }) {
  const { site } = props
  return (
    <Layout title={`Webhooks · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="settings" />
      <h2>Webhooks</h2>
      <p class="lede">
        Engawa POSTs each event to your endpoints as JSON, signed per Standard Webhooks (webhook-id, webhook-timestamp and webhook-signature headers),
        and retries for about a day until it gets a 2xx answer. Endpoints must be https and public. The API is described at{' '}
        <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>

      <section id="secret-box" class="secret-box" aria-labelledby="secret-title" hidden>
        <h2 id="secret-title" tabindex={-1}>
          Signing secret
        </h2>
        <p>Shown only now: copy it to where your endpoint checks signatures.</p>
        <CopyableCode
          id="webhook-secret"
          code=""
          extra={
            <button type="button" id="secret-done">
              Done
            </button>
          }
        />
      </section>

      {props.endpoints.length === 0 ? (
        <p class="empty">No endpoints yet.</p>
      ) : (
        <ul class="records" id="webhooks" data-site={site.id}>
          {props.endpoints.map((item) => (
            <Endpoint item={item} />
          ))}
        </ul>
      )}

      <form id="webhook-form" class="inline-form" data-site={site.id} novalidate>
        <h2>Add an endpoint</h2>
        <label>
          Its URL <input type="url" name="url" required maxlength={2000} placeholder="https://" autocomplete="off" />
        </label>
        <fieldset>
          <legend>Send these events</legend>
          {WEBHOOK_EVENTS.map((event) => (
            <label class="check">
              <input type="checkbox" name="events" value={event} checked /> {event}
            </label>
          ))}
        </fieldset>
        <label>
          What it is for (optional) <input name="description" maxlength={200} autocomplete="off" />
        </label>
        <button type="submit" class="primary">
          Add the endpoint
        </button>
      </form>
    </Layout>
  )
}
