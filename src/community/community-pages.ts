import { Hono, type Context } from 'hono'
import { html } from 'hono/html'
import { publicReads, type Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { ACTIVITY_PERIODS, COMMUNITY_TABS } from './community-cursor.ts'
import { discussions, drawnWords, type Lang } from './community-html.ts'
import { readCommunityPage } from './community-page.ts'
import { orFirstPage, sitePage, type Drawn } from './site-page.ts'

/**
 * GET /s/{site}: the site's discussions on Engawa's own origin, for readers who follow a link
 * rather than an embed. Drawn here (readable without JavaScript, paged by links), then by
 * embed.js with data-view="community", live.
 */
export function communityPages(deps: Pick<Deps, 'db' | 'readDb' | 'clock'>) {
  const { db, clock } = deps
  const reads = publicReads(deps)
  async function discussionsView(c: Context<AppEnv>, site: SiteRow, lang: Lang): Promise<Drawn> {
    const tab = COMMUNITY_TABS.find((t) => t === c.req.query('tab')) ?? 'latest'
    const period = ACTIVITY_PERIODS.find((p) => p === c.req.query('period')) ?? 'week'
    const cursor = c.req.query('cursor') || undefined
    const shown = await orFirstPage((at) => readCommunityPage(reads, site, { tab, period, cursor: at, limit: 20 }, clock.now()), cursor)
    return {
      view: discussions(drawnWords(lang), shown, period),
      script: cursor ? '' : html`<script src="/embed.js" data-site="${site.id}" data-view="community" data-lang="${lang}" data-tab="${tab}" data-period="${period}" async></script>`,
    }
  }

  return new Hono<AppEnv>().get('/s/:site', (c) => sitePage(db, c, (words, site) => words.title(site.name), (site, lang) => discussionsView(c, site, lang)))
}
