import { Hono } from 'hono'
import { html } from 'hono/html'
import { commentItem, drawnWords, listOf, type Lang } from '../community/community-html.ts'
import { readCommentsPage } from '../community/community-page.ts'
import { orFirstPage, sitePage, sitePageWords, type Drawn } from '../community/site-page.ts'
import { publicReads, type Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { readProfile } from './read-profile.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * GET /s/{site}/u/{user}: a reader's profile on Engawa's own origin, as anyone sees it (the page
 * is the same for every reader): drawn here, then by embed.js with data-view="profile", which
 * shows the reader and the site's moderators more where they are signed in.
 */
export function profilePages(deps: Pick<Deps, 'db' | 'readDb'>) {
  const { db } = deps
  const reads = publicReads(deps)
  async function profileView(site: SiteRow, lang: Lang, userId: string, cursor: string | undefined): Promise<Drawn> {
    const d = drawnWords(lang)
    const above = html`<p class="back"><a href="/s/${site.id}?lang=${lang}">${sitePageWords(lang).title(site.name)}</a></p>`
    const script = cursor ? '' : html`<script src="/embed.js" data-site="${site.id}" data-view="profile" data-user="${userId}" data-lang="${lang}" async></script>`
    // One connection for both reads: on read replicas, one server (as a thread page).
    const read = await reads.connection().execute(async (one) => {
      const profile = UUID.test(userId) ? await readProfile(one, site, userId, 'other') : undefined
      return profile && { profile, comments: await orFirstPage((at) => readCommentsPage(one, site, { cursor: at, limit: 20 }, userId), cursor) }
    })
    if (!read) return { above, script, status: 404, view: html`<p>${d.w('profileMissing')}</p>` }
    const { profile, comments } = read
    const next = comments.nextCursor ? `?${new URLSearchParams({ cursor: comments.nextCursor, lang })}` : null
    const since = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(profile.joinedAt)
    const view = html`<section aria-labelledby="ch"><h2 id="ch"><bdi>${profile.name}</bdi></h2>
  ${profile.bio ? html`<p>${profile.bio}</p>` : ''}
  <p class="meta">${d.w('joined')} <time datetime="${profile.joinedAt.toISOString()}">${since}</time></p>
  <h3>${d.w('commentsBy', { name: profile.name })}</h3>
  ${listOf(d, comments.comments.map((comment) => commentItem(d, site.id, comment)), next)}
</section>`
    return { above, script, view }
  }

  return new Hono<AppEnv>().get('/s/:site/u/:user', (c) =>
    sitePage(db, c, (words, site) => words.profile(site.name), (site, lang) => profileView(site, lang, c.req.param('user'), c.req.query('cursor') || undefined)),
  )
}
