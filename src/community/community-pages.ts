import { Hono, type Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { page } from '../auth/pages/layout.ts'
import type { Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { readProfile } from '../profiles/read-profile.ts'
import { findSite } from '../sites/sites.ts'
import { ACTIVITY_PERIODS, COMMUNITY_TABS } from './community-cursor.ts'
import { commentItem, discussions, drawnWords, listOf, type Lang } from './community-html.ts'
import { readCommentsPage, readCommunityPage } from './community-page.ts'

const WORDS = {
  en: {
    title: (site: string) => `Discussions on ${site}`, profile: (site: string) => `A reader of ${site}`, back: (site: string) => `Back to ${site}`,
    missing: 'There is no site here.',
  },
  ja: {
    title: (site: string) => `${site} のディスカッション`, profile: (site: string) => `${site} の読者`, back: (site: string) => `${site} に戻る`,
    missing: 'このサイトは見つかりません。',
  },
} satisfies Record<Lang, unknown>
type Words = (typeof WORDS)[Lang]

/** ?lang= when given, otherwise the reader's first language that Engawa speaks. */
function pickLang(asked: string | undefined, accept: string | undefined): Lang {
  if (asked === 'ja' || asked === 'en') return asked
  for (const part of (accept ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? ''
    if (tag.startsWith('ja')) return 'ja'
    if (tag.startsWith('en')) return 'en'
  }
  return 'en'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** What a page shows under the site's name: drawn here, and the script that draws it again, live, where JavaScript runs. */
interface Drawn {
  view: HtmlEscapedString | Promise<HtmlEscapedString>
  /** The embed for the same view; left out for a later page, which the script would start again from the first. */
  script: HtmlEscapedString | Promise<HtmlEscapedString> | ''
  above?: HtmlEscapedString | Promise<HtmlEscapedString>
  status?: 404
}

/** A page from a cursor of another tab, or one that no longer reads: the first page instead. */
async function orFirstPage<T>(read: (cursor: string | undefined) => Promise<T>, cursor: string | undefined): Promise<T> {
  try {
    return await read(cursor)
  } catch (error) {
    if (cursor === undefined || !(error instanceof AppError)) throw error
    return read(undefined)
  }
}

/**
 * GET /s/{site}: the site's discussions on Engawa's own origin, for readers who follow a link
 * rather than an embed; GET /s/{site}/u/{user}: a reader's profile there. Both are drawn here
 * (readable without JavaScript, paged by links) and then by embed.js with data-view="community"
 * or "profile", which asks the API and so keeps its rules of who may see what.
 */
export function communityPages({ db, clock }: Pick<Deps, 'db' | 'clock'>) {
  async function sitePage(c: Context<AppEnv>, title: (words: Words, site: SiteRow) => string, draw: (site: SiteRow, lang: Lang) => Promise<Drawn>) {
    const lang = pickLang(c.req.query('lang'), c.req.header('accept-language'))
    const words = WORDS[lang]
    const site = await findSite(db, c.req.param('site') ?? '')
    if (!site) return page(c, 'Engawa', html`<main><h1>${words.missing}</h1></main>`, { lang, status: 404, script: false })
    const home = site.allowed_origins[0]
    const drawn = await draw(site, lang)
    return page(
      c,
      title(words, site),
      html`<main class="wide community">
  <h1>${site.name}</h1>
  ${home ? html`<p class="back"><a href="${home}/">${words.back(site.name)}</a></p>` : ''}
  ${drawn.above ?? ''}
  <div id="engawa">${drawn.view}</div>
  ${drawn.script}
</main>`,
      { lang, script: false, ...(drawn.status ? { status: drawn.status } : {}) },
    )
  }

  async function profileView(site: SiteRow, lang: Lang, userId: string, cursor: string | undefined): Promise<Drawn> {
    const d = drawnWords(lang)
    const above = html`<p class="back"><a href="/s/${site.id}?lang=${lang}">${WORDS[lang].title(site.name)}</a></p>`
    const script = cursor ? '' : html`<script src="/embed.js" data-site="${site.id}" data-view="profile" data-user="${userId}" data-lang="${lang}" async></script>`
    // As anyone else sees it: this page is the same for every reader.
    const profile = UUID.test(userId) ? await readProfile(db, site, userId, 'other') : undefined
    if (!profile) return { above, script, status: 404, view: html`<p>${d.w('profileMissing')}</p>` }
    const comments = await orFirstPage((at) => readCommentsPage(db, site, { cursor: at, limit: 20 }, userId), cursor)
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

  async function discussionsView(c: Context<AppEnv>, site: SiteRow, lang: Lang): Promise<Drawn> {
    const tab = COMMUNITY_TABS.find((t) => t === c.req.query('tab')) ?? 'latest'
    const period = ACTIVITY_PERIODS.find((p) => p === c.req.query('period')) ?? 'week'
    const cursor = c.req.query('cursor') || undefined
    const shown = await orFirstPage((at) => readCommunityPage(db, site, { tab, period, cursor: at, limit: 20 }, clock.now()), cursor)
    return {
      view: discussions(drawnWords(lang), shown, period),
      script: cursor ? '' : html`<script src="/embed.js" data-site="${site.id}" data-view="community" data-lang="${lang}" data-tab="${tab}" data-period="${period}" async></script>`,
    }
  }

  return new Hono<AppEnv>()
    .get('/s/:site/u/:user', (c) => sitePage(c, (words, site) => words.profile(site.name), (site, lang) => profileView(site, lang, c.req.param('user'), c.req.query('cursor') || undefined)))
    .get('/s/:site', (c) => sitePage(c, (words, site) => words.title(site.name), (site, lang) => discussionsView(c, site, lang)))
}
