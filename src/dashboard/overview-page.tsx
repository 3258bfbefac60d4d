import type { SiteRow } from '../db/schema.ts'
import type { DayActivity } from './activity.ts'
import { ActivityChart, ActivityTable } from './activity-chart.tsx'
import { CopyableCode } from './copyable-code.tsx'
import { Layout, SiteNav } from './layout.tsx'
import type { SignedInViewer } from './viewer.ts'
import type { InstallCheck } from '../sites/install-check.ts'
import { InstallCheckSection } from './install-check-section.tsx'

/** /admin/sites/{site}: how the site is doing, and the code to embed it. */
export function OverviewPage(props: {
  viewer: SignedInViewer
  site: SiteRow
  days: DayActivity[]
  snippet: string
  check: InstallCheck[]
  canManage: boolean
  /** Just created: the embed code comes first. */
  isNew: boolean
}) {
  const { site, days } = props
  const queueNow = days[days.length - 1]?.queue ?? 0
  const embed = (
    <section aria-labelledby="embed-title">
      <h2 id="embed-title">Embed code</h2>
      <p>
        Paste this under an article, where its comments should appear. Pages may be on{' '}
        <span data-origins-list=", ">{site.allowed_origins.join(', ')}</span>.
      </p>
      <CopyableCode id="snippet" code={props.snippet} />
      <p>
        Every discussion of the site, newest and most active, is also on a page of its own at Engawa:{' '}
        <a href={`/s/${site.id}`} id="community-page">
          {site.name}'s discussions
        </a>
        . Link to it from the site, or embed it with <code>data-view="community"</code>.
      </p>
    </section>
  )
  return (
    <Layout title={site.name} viewer={props.viewer} current={`/admin/sites/${site.id}`}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="overview" />
      {props.isNew && (
        <>
          <p class="lede" id="created">
            {site.name} is ready. Paste the embed code under an article; once a reader opens it, the page appears below.
          </p>
          {embed}
        </>
      )}
      <InstallCheckSection site={site} check={props.check} canManage={props.canManage} />
      <p class="lede">
        {queueNow === 0 ? (
          'Nothing waits in the queue.'
        ) : (
          <a href={`/admin?site=${site.id}`}>
            {queueNow} {queueNow === 1 ? 'comment waits' : 'comments wait'} in the queue
          </a>
        )}
      </p>

      <section aria-labelledby="activity-title">
        <h2 id="activity-title">The last {days.length} days</h2>
        <ActivityChart days={days} />
        <ActivityTable days={days} />
      </section>

      {!props.isNew && embed}
    </Layout>
  )
}
