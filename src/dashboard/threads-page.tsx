import type { SiteRow } from '../db/schema.ts'
import { Layout, SiteNav } from './layout.tsx'
import type { SignedInViewer } from './viewer.ts'

/** /admin/sites/{site}/threads: when articles change address, owners move their threads (after a preview) or merge two. */
export function ThreadsPage(props: { viewer: SignedInViewer; site: SiteRow; canManage: boolean }) {
  const { site } = props
  const origin = site.allowed_origins[0] ?? 'https://blog.example'
  return (
    <Layout title={`Thread moves · ${site.name}`} viewer={props.viewer}>
      <h1>{site.name}</h1>
      <SiteNav siteId={site.id} current="settings" />
      {!props.canManage ? (
        <p class="lede">Only the site’s owners move and merge threads.</p>
      ) : (
        <>
          <section aria-labelledby="move-title">
            <h2 id="move-title">Move threads to a new address</h2>
            <p class="lede">When an article’s URL changes, its comments follow it here. Preview first: nothing moves until you confirm.</p>
            <form id="move-form" class="settings" data-site={site.id} novalidate>
              <label>
                From <input name="from" type="url" required maxlength={2000} placeholder={`${origin}/blog/2024/`} autocomplete="off" />
              </label>
              <label>
                To <input name="to" type="url" required maxlength={2000} placeholder={`${origin}/posts/`} autocomplete="off" />
              </label>
              <label class="check">
                <input type="checkbox" name="prefix" /> Every thread whose address starts with “From”
              </label>
              <p>
                <button type="submit" class="primary">
                  Preview the move
                </button>{' '}
                <button type="button" id="move-apply" hidden>
                  Move them
                </button>
              </p>
            </form>
            <div id="move-result" aria-live="polite"></div>
          </section>
          <section aria-labelledby="merge-title">
            <h2 id="merge-title">Merge two threads</h2>
            <p class="lede">For two threads that turned out to be one page: the comments of the first join the second, replies and all.</p>
            <form id="merge-form" class="settings" data-site={site.id} novalidate>
              <label>
                Merge (URL or key) <input name="from" required maxlength={2000} autocomplete="off" />
              </label>
              <label>
                Into (URL or key) <input name="into" required maxlength={2000} autocomplete="off" />
              </label>
              <p>
                <button type="submit" class="primary">
                  Merge
                </button>
              </p>
            </form>
          </section>
        </>
      )}
    </Layout>
  )
}
