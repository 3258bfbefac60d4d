import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { communityWords } from '../widget/community-words.ts'
import { ACTIVITY_PERIODS, COMMUNITY_TABS } from './community-cursor.ts'
import type { CommunityPage } from './schemas.ts'

// The community view drawn on the server, for Engawa's pages /s/{site}: what a reader without
// JavaScript (or a search engine) reads, and what a reader with it sees until embed.js has
// drawn the same in its shadow root, which then hides this.

export type Lang = 'en' | 'ja'
type Comment = NonNullable<CommunityPage['comments']>[number]
type Thread = NonNullable<CommunityPage['threads']>[number] & { comments?: number; lastCommentAt?: string; startedAt?: string }

export function drawnWords(lang: Lang) {
  const { w, wn } = communityWords(lang)
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  const when = (iso: string) => html`<time datetime="${iso}">${dateTime.format(new Date(iso))} UTC</time>`
  return { w, wn, when, lang }
}
type Drawn = ReturnType<typeof drawnWords>

const profileHref = (siteId: string, comment: Comment, lang: Lang) => `/s/${siteId}/u/${comment.author.profileId}?lang=${lang}`

function threadLink(d: Drawn, thread: Thread | Comment['thread']) {
  return html`<a class="ti" href="${thread.url}">${thread.title || thread.url}</a>${thread.locked ? html` <span class="lk" title="${d.w('lockedTitle')}">${d.w('locked')}</span>` : ''}`
}

/** One comment as the list shows it: who, when (a permalink), the sanitised body, and its article. */
export function commentItem(d: Drawn, siteId: string, comment: Comment): HtmlEscapedString | Promise<HtmlEscapedString> {
  const name = comment.author.profileId ? html`<a href="${profileHref(siteId, comment, d.lang)}">${comment.author.name}</a>` : comment.author.name
  return html`<li>
  <p class="meta"><bdi class="au">${name}</bdi> · <a href="${comment.link}">${d.when(comment.createdAt)}</a></p>
  <div class="body">${raw(comment.html)}</div>
  <p class="meta">${d.w('on')} ${threadLink(d, comment.thread)}</p>
</li>`
}

function threadItem(d: Drawn, thread: Thread) {
  const facts =
    thread.comments !== undefined && thread.lastCommentAt
      ? html`${d.wn('inPeriod', thread.comments)} · ${d.w('lastAt')} ${d.when(thread.lastCommentAt)}`
      : html`${d.w('startedAt')} ${thread.startedAt ? d.when(thread.startedAt) : ''}`
  return html`<li>${threadLink(d, thread)}<p class="meta">${facts}</p></li>`
}

/** A list, or the words for an empty one, and a link to the next page. */
export function listOf(d: Drawn, items: Array<HtmlEscapedString | Promise<HtmlEscapedString>>, next: string | null) {
  return html`${items.length ? html`<ol class="cm">${items}</ol>` : html`<p>${d.w('nothing')}</p>`}
${next ? html`<p><a rel="next" href="${next}">${d.w('more')}</a></p>` : ''}`
}

/** The site's discussions: the tabs as links, the active tab's periods, and its page. */
export function discussions(d: Drawn, page: CommunityPage, period: string) {
  const href = (query: Record<string, string>) => `?${new URLSearchParams({ ...query, lang: d.lang })}`
  const current = (on: boolean) => (on ? raw(' aria-current="page"') : '')
  const nav = html`<nav aria-label="${d.w('discussions')}"><ul class="tabs">${COMMUNITY_TABS.map(
    (tab) => html`<li><a href="${href({ tab })}"${current(tab === page.tab)}>${d.w(tab)}</a></li>`,
  )}</ul></nav>`
  const periods =
    page.tab === 'active'
      ? html`<p class="meta">${d.w('period')}: ${ACTIVITY_PERIODS.map((p, i) => html`${i ? ' · ' : ''}<a href="${href({ tab: 'active', period: p })}"${current(p === period)}>${d.w(p)}</a>`)}</p>`
      : ''
  const next = page.nextCursor ? href({ tab: page.tab, ...(page.tab === 'active' ? { period } : {}), cursor: page.nextCursor }) : null
  const items = [...(page.comments ?? []).map((c) => commentItem(d, page.site.id, c)), ...(page.threads ?? []).map((t) => threadItem(d, t as Thread))]
  return html`<section aria-labelledby="ch"><h2 id="ch">${d.w('discussionsOn', { site: page.site.name })}</h2>${nav}${periods}${listOf(d, items, next)}</section>`
}
