import { Hono, type Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { page } from '../auth/pages/layout.ts'
import type { Deps } from '../deps.ts'
import type { SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { findSite } from '../sites/sites.ts'

type Lang = 'en' | 'ja'

const WORDS = {
  en: {
    title: (site: string) => `Discussions on ${site}`, profile: (site: string) => `A reader of ${site}`, back: (site: string) => `Back to ${site}`,
    noScript: 'This page needs JavaScript to show the discussions.', missing: 'There is no site here.',
  },
  ja: {
    title: (site: string) => `${site} のディスカッション`, profile: (site: string) => `${site} の読者`, back: (site: string) => `${site} に戻る`,
    noScript: 'ディスカッションを表示するには JavaScript を有効にしてください。', missing: 'このサイトは見つかりません。',
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

/**
 * GET /s/{site}: the site's discussions on Engawa's own origin, for readers who follow a link
 * rather than an embed; GET /s/{site}/u/{user}: a reader's profile there. Both are the view
 * embed.js draws with data-view="community" or "profile", which asks the API (and so keeps its
 * rules of who may see what).
 */
export function communityPages({ db }: Pick<Deps, 'db'>) {
  async function sitePage(c: Context<AppEnv>, title: (words: Words, site: SiteRow) => string, view: (site: SiteRow, lang: Lang) => HtmlEscapedString | Promise<HtmlEscapedString>) {
    const lang = pickLang(c.req.query('lang'), c.req.header('accept-language'))
    const words = WORDS[lang]
    const site = await findSite(db, c.req.param('site') ?? '')
    if (!site) return page(c, 'Engawa', html`<main><h1>${words.missing}</h1></main>`, { lang, status: 404, script: false })
    const home = site.allowed_origins[0]
    return page(
      c,
      title(words, site),
      html`<main class="wide">
  <h1>${site.name}</h1>
  ${home ? html`<p class="back"><a href="${home}/">${words.back(site.name)}</a></p>` : ''}
  <div id="engawa"></div>
  ${view(site, lang)}
  <noscript><p>${words.noScript}</p></noscript>
</main>`,
      { lang, script: false },
    )
  }

  return new Hono<AppEnv>()
    .get('/s/:site/u/:user', (c) =>
      sitePage(c, (words, site) => words.profile(site.name), (site, lang) =>
        html`<p class="back"><a href="/s/${site.id}?lang=${lang}">${WORDS[lang].title(site.name)}</a></p>
  <script src="/embed.js" data-site="${site.id}" data-view="profile" data-user="${c.req.param('user')}" data-lang="${lang}" async></script>`,
      ),
    )
    .get('/s/:site', (c) =>
      sitePage(c, (words, site) => words.title(site.name), (site, lang) =>
        html`<script src="/embed.js" data-site="${site.id}" data-view="community" data-lang="${lang}" data-tab="${c.req.query('tab') ?? ''}" data-period="${c.req.query('period') ?? ''}" async></script>`,
      ),
    )
}
