// The community view (`data-view="community"`, and the page /s/{site}): what is being discussed
// across a site. A module of its own, fetched only by pages that show it, so the thread's
// embed.js stays as small as it is.
import { avatar } from './avatar.ts'
import { readCommunity, readProfile, type CommunityComment, type CommunityPage, type CommunityTab, type CommunityThread, type Period } from './community-api.ts'
import { communityWords } from './community-words.ts'
import { h } from './dom.ts'
import { translator, type Lang } from './i18n.ts'
import { isApiError } from './api.ts'
import { styleShadow } from './styles.ts'
import { followTheme } from './theme.ts'
import { setServerHtml } from './trusted-html.ts'

export interface CommunityMount {
  base: string
  site: string
  host: HTMLElement
  lang: Lang
  theme: string | undefined
  /** The tab shown first, and the period of the active tab. */
  tab?: string | undefined
  period?: string | undefined
  /** A reader's profile (data-view="profile" data-user="…") instead of the site's discussions. */
  user?: string | undefined
}

const TABS: CommunityTab[] = ['latest', 'active', 'threads']
const PERIODS: Period[] = ['day', 'week', 'month']
const CSS = `
[hidden]{display:none!important}
[role=tablist]{display:flex;flex-wrap:wrap;gap:.3em;margin:.6em 0;border-bottom:1px solid var(--ln)}
[role=tab]{border:0;border-bottom:3px solid transparent;border-radius:0;padding:.3em .6em;color:var(--mu)}
[role=tab][aria-selected=true]{color:var(--fg);border-bottom-color:var(--ac);font-weight:700}
.cm>li{border-top:1px solid var(--ln);padding:.6em 0}
.cm .body{max-height:7.5em;overflow:hidden}
.cm .ti{font-weight:700;color:var(--ac);text-decoration:none}
.cm .ti:hover{text-decoration:underline}
.cm .meta{font-size:.88em;color:var(--mu)}
.cm .meta a{color:var(--ac)}
.lk{font-size:.78em;border:1px solid var(--mu);color:var(--mu);border-radius:999px;padding:0 .5em;margin-inline-start:.4em}
`

export function mountCommunity(m: CommunityMount) {
  const t = translator(m.lang)
  const { w, wn } = communityWords(m.lang)
  const shadow = m.host.attachShadow({ mode: 'open' })
  styleShadow(shadow, CSS)
  const heading = h('h2', { id: 'ch' }, w('discussions'))
  const root = h('section', { class: 'e', lang: t.lang, 'aria-labelledby': 'ch' })
  followTheme(m.theme, (dark) => root.classList.toggle('dark', dark))

  let tab: CommunityTab = TABS.find((x) => x === m.tab) ?? 'latest'
  let period: Period = PERIODS.find((x) => x === m.period) ?? 'week'
  let cursor: string | null = null
  // A newer request wins: a reader switching tabs quickly never sees an older answer land last.
  let asked = 0

  const tabs = TABS.map((name) =>
    h('button', { type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': 'panel', onclick: () => choose(name) }, w(name)),
  )
  const tabList = h('div', { role: 'tablist', 'aria-label': w('discussions'), onkeydown: moveBetweenTabs }, ...tabs)
  const periodSelect = h('select', { id: 'period', onchange: () => ((period = periodSelect.value as Period), show()) }, ...PERIODS.map((p) => h('option', { value: p }, w(p)))) as HTMLSelectElement
  const periodRow = h('div', { class: 'row' }, h('label', { for: 'period' }, w('period')), periodSelect)
  const list = h('ol', { class: 'cm' }) as HTMLOListElement
  const status = h('p', { class: 'empty', role: 'status' })
  // The discussions, or a profile (showProfile): whichever this view shows, its next page.
  let load = loadDiscussions
  const retry = h('button', { type: 'button', hidden: true, onclick: () => load(false) }, w('retry'))
  const more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => load(false) }, w('more'))
  const panel = h('div', { role: 'tabpanel', id: 'panel', tabindex: '0' }, periodRow, list, status, retry, more)
  root.append(heading, tabList, panel)
  shadow.append(root)

  function moveBetweenTabs(event: Event) {
    const key = (event as KeyboardEvent).key
    const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0
    if (!step && key !== 'Home' && key !== 'End') return
    event.preventDefault()
    const at = TABS.indexOf(tab)
    const next = key === 'Home' ? 0 : key === 'End' ? TABS.length - 1 : (at + step + TABS.length) % TABS.length
    choose(TABS[next] ?? 'latest')
    tabs[next]?.focus()
  }

  function choose(name: CommunityTab) {
    tab = name
    show()
  }

  function show() {
    tabs.forEach((button, i) => {
      const selected = TABS[i] === tab
      button.setAttribute('aria-selected', String(selected))
      button.tabIndex = selected ? 0 : -1
    })
    panel.setAttribute('aria-labelledby', `tab-${tab}`)
    periodRow.hidden = tab !== 'active'
    periodSelect.value = period
    list.replaceChildren()
    cursor = null
    void load(true)
  }

  async function loadDiscussions(first: boolean) {
    const mine = ++asked
    status.textContent = w('loading')
    retry.hidden = more.hidden = true
    let page: CommunityPage
    try {
      page = await readCommunity(m.base, m.site, tab, period, first ? null : cursor)
    } catch (e) {
      if (mine !== asked) return
      // Readers are told, and can try again; the site's owner finds the server's words in the console.
      console.error('Engawa:', e)
      status.textContent = w('failed')
      retry.hidden = false
      return
    }
    if (mine !== asked) return
    heading.textContent = w('discussionsOn', { site: page.site.name })
    list.append(...(page.comments ?? []).map(commentItem), ...(page.threads ?? []).map(threadItem))
    cursor = page.nextCursor
    more.hidden = cursor === null
    status.textContent = list.childElementCount === 0 ? w('nothing') : ''
  }

  function when(iso: string) {
    const date = new Date(iso)
    return h('time', { datetime: iso, title: t.exact(date) }, t.ago(date))
  }

  function threadLink(thread: CommunityThread) {
    return h('a', { class: 'ti', href: thread.url }, thread.title || thread.url)
  }

  function lockedBadge(thread: CommunityThread) {
    return thread.locked && h('span', { class: 'lk', title: w('lockedTitle') }, w('locked'))
  }

  function commentItem(c: CommunityComment) {
    const body = h('div', { class: 'body' })
    setServerHtml(body, c.html)
    return h(
      'li',
      {},
      h('header', {}, avatar(c.author), h('bdi', { class: 'au' }, authorName(c)), h('a', { href: c.link }, when(c.createdAt))),
      body,
      h('p', { class: 'meta' }, `${w('on')} `, threadLink(c.thread), lockedBadge(c.thread)),
    )
  }

  function authorName(c: CommunityComment) {
    const name = c.author.deleted ? t.t('deletedUser') : c.author.name
    return c.author.profileId ? h('a', { href: `${m.base}/s/${m.site}/u/${c.author.profileId}` }, name) : name
  }

  function threadItem(thread: CommunityThread) {
    const facts =
      thread.comments !== undefined && thread.lastCommentAt
        ? [wn('inPeriod', thread.comments), ` · ${w('lastAt')} `, when(thread.lastCommentAt)]
        : [t.n('comments', thread.total), ` · ${w('startedAt')} `, when(thread.startedAt ?? '')]
    return h('li', {}, threadLink(thread), lockedBadge(thread), h('p', { class: 'meta' }, ...facts))
  }

  /** A reader's profile: who they are, then their comments on the site, newest first. */
  async function showProfile(user: string) {
    tabList.remove()
    periodRow.remove()
    panel.removeAttribute('role')
    const about = h('div')
    panel.before(about)
    load = async () => {
      const first = cursor === null
      status.textContent = w('loading')
      retry.hidden = more.hidden = true
      try {
        const page = await readProfile(m.base, m.site, user, first ? null : cursor)
        const { profile } = page
        if (first) {
          heading.replaceChildren(avatar({ name: profile.name, kind: 'reader', hue: profile.hue }), ' ', h('bdi', {}, profile.name))
          about.replaceChildren(
            ...(profile.bio ? [h('p', {}, profile.bio)] : []),
            h('p', { class: 'meta' }, `${w('joined')} `, h('time', { datetime: profile.joinedAt }, new Intl.DateTimeFormat(t.lang, { dateStyle: 'long' }).format(new Date(profile.joinedAt)))),
            h('h3', {}, w('commentsBy', { name: profile.name })),
          )
        }
        list.append(...page.comments.map(commentItem))
        cursor = page.nextCursor
        more.hidden = cursor === null
        status.textContent = list.childElementCount === 0 ? w('nothing') : ''
      } catch (e) {
        const missing = isApiError(e) && e.code === 'profile_not_found'
        status.textContent = w(missing ? 'profileMissing' : 'profileFailed')
        retry.hidden = missing
      }
    }
    await load(true)
  }

  if (m.user) void showProfile(m.user)
  else show()
  return { unmount: () => root.remove() }
}
