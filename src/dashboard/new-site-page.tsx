import { Layout } from './layout.tsx'
import type { SignedInViewer } from './viewer.ts'

/** /admin/sites/new: a name and the origins the pages are on; the script posts them and opens the new site's overview, embed code first. */
export function NewSitePage(props: { viewer: SignedInViewer }) {
  return (
    <Layout title="New site" viewer={props.viewer} current="/admin/sites/new">
      <h1>New site</h1>
      <p class="lede">A site is one website whose articles get comments. You become its owner; you can invite moderators afterwards.</p>
      <form id="new-site-form" class="settings" novalidate>
        <label>
          Name, as readers and moderators see it <input name="name" required maxlength={100} autocomplete="off" />
        </label>
        <label>
          Where its pages are: one origin a line, such as https://blog.example
          <textarea name="origins" rows={3} required aria-describedby="origins-hint"></textarea>
        </label>
        <p class="hint" id="origins-hint">
          Only pages on these origins can show the comments. Add both <code>https://example.com</code> and <code>https://www.example.com</code> if readers
          reach the site at both; you can change the list at any time.
        </p>
        <button type="submit" class="primary">
          Create the site
        </button>
      </form>
    </Layout>
  )
}
