import type { Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { Kysely } from 'kysely'
import { page } from '../auth/pages/layout.ts'
import type { Database, SiteRow } from '../db/schema.ts'
import type { AppEnv } from '../http/app-env.ts'
import { AppError } from '../http/errors.ts'
import { findSite } from '../sites/sites.ts'
import type { Lang } from './community-html.ts'

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
export type SitePageWords = (typeof WORDS)[Lang]
export const sitePageWords = (lang: Lang): SitePageWords => WORDS[lang]

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

/** What a page shows under the site's name: drawn here, and the script that draws it again, live, where JavaScript runs. */
export interface Drawn {
  view: HtmlEscapedString | Promise<HtmlEscapedString>
  /** The embed for the same view; left out for a later page, which the script would start again from the first. */
  script: HtmlEscapedString | Promise<HtmlEscapedString> | ''
  above?: HtmlEscapedString | Promise<HtmlEscapedString>
  status?: 404
}

/** A page from a cursor of another tab, or one that no longer reads: the first page instead. */
export async function orFirstPage<T>(read: (cursor: string | undefined) => Promise<T>, cursor: string | undefined): Promise<T> {
  try {
    return await read(cursor)
  } catch (error) {
    if (cursor === undefined || !(error instanceof AppError)) throw error
    return read(undefined)
  }
}

/**
 * A page of a site on Engawa's own origin (/s/{site}…), in the reader's language: the site's name,
 * a way back to it, and the view `draw` makes, inside the element embed.js draws into.
 */
export async function sitePage(db: Kysely<Database>, c: Context<AppEnv>, title: (words: SitePageWords, site: SiteRow) => string, draw: (site: SiteRow, lang: Lang) => Promise<Drawn>) {
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
