import { Hono } from 'hono'
import { html } from 'hono/html'
import { page } from '../auth/pages/layout.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { findSite } from '../sites/sites.ts'

type Lang = 'en' | 'ja'

const WORDS = {
  en: { title: (site: string) => `Discussions on ${site}`, back: (site: string) => `Back to ${site}`, noScript: 'This page needs JavaScript to list the discussions.', missing: 'There is no site here.' },
  ja: { title: (site: string) => `${site} のディスカッション`, back: (site: string) => `${site} に戻る`, noScript: 'ディスカッションの一覧を表示するには JavaScript を有効にしてください。', missing: 'このサイトは見つかりません。' },
} satisfies Record<Lang, unknown>

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
 * rather than an embed. The same community view as `data-view="community"`, drawn by embed.js.
 */
export function communityPages({ db }: Pick<Deps, 'db'>) {
  return new Hono<AppEnv>().get('/s/:site', async (c) => {
    const lang = pickLang(c.req.query('lang'), c.req.header('accept-language'))
    const words = WORDS[lang]
    const site = await findSite(db, c.req.param('site'))
    if (!site) return page(c, 'Engawa', html`<main><h1>${words.missing}</h1></main>`, { lang, status: 404, script: false })
    const home = site.allowed_origins[0]
    const tab = c.req.query('tab') ?? ''
    const period = c.req.query('period') ?? ''
    return page(
      c,
      words.title(site.name),
      html`<main class="wide">
  <h1>${site.name}</h1>
  ${home ? html`<p class="back"><a href="${home}/">${words.back(site.name)}</a></p>` : ''}
  <div id="engawa"></div>
  <script src="/embed.js" data-site="${site.id}" data-view="community" data-lang="${lang}" data-tab="${tab}" data-period="${period}" async></script>
  <noscript><p>${words.noScript}</p></noscript>
</main>`,
      { lang, script: false },
    )
  })
}
