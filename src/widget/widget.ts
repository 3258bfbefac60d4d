import { createAccount } from './account.ts'
import { listenToActions } from './actions.ts'
import { createApi, type Comment, type Page, type ThreadPage } from './api.ts'
import { commentArticle, DISPLAY_DEPTH } from './comment-view.ts'
import type { Context, Sort, State } from './context.ts'
import { countdowns, rightsOf } from './countdown.ts'
import { h } from './dom.ts'
import { explain, isRefusedHere } from './errors.ts'
import { translator, type Lang } from './i18n.ts'
import { watchThread } from './live.ts'
import { threadNews } from './news.ts'
import { createStore } from './storage.ts'
import { styleShadow } from './styles.ts'
import { followTheme } from './theme.ts'
import { createThreadView } from './thread-view.ts'

export interface Mount {
  base: string
  site: string
  page: Page
  host: HTMLElement
  lang: Lang
  theme: string | undefined
  /** How often to check for new comments where the server holds no event streams. */
  pollMs: number
  /** The host site's sign-in token for its signed-in user. */
  sso?: string
}

const PERMALINK = /^#engawa-comment-([0-9a-f-]{36})$/
/** The build's id (build.ts): a page never imports modules of another build than its embed.js. */
declare const BUILD: string

/** The comments of one page, in a shadow root inside `m.host`: the widget's parts, wired together. */
export function mount(m: Mount) {
  performance.mark('engawa:start')
  const t = translator(m.lang)
  const store = createStore(m.site)
  const slot = m.page.key ?? m.page.url
  const api = createApi(m.base, m.site, m.page, store.session, { get: () => store.written(slot), set: (version) => store.setWritten(slot, version) })
  const root = h('section', { class: 'e', lang: t.lang, 'aria-label': t.t('comment') })
  const shadow = m.host.attachShadow({ mode: 'open' })
  styleShadow(shadow)
  shadow.append(root)
  followTheme(m.theme, (dark) => root.classList.toggle('dark', dark))

  const state: State = {
    sort: 'oldest', user: null, moderates: false, following: false, pinnedId: null, locked: false,
    votes: {}, reactions: {}, own: {}, rights: {}, nextCursor: null, total: 0, rules: undefined,
  }

  const heading = h('h2', {}, t.t('comment'))
  const sortSelect = h(
    'select',
    { 'aria-label': t.t('sortBy') },
    ...(['oldest', 'newest', 'top'] as const).map((s) => h('option', { value: s }, t.t(s))),
  ) as HTMLSelectElement
  const accountRow = h('div', { class: 'row' })
  const top = h('div')
  const list = h('ol') as HTMLOListElement
  const empty = h('p', { class: 'empty', hidden: true }, t.t('empty'))
  const more = h('button', { type: 'button', class: 'more', hidden: true }, t.t('loadMore'))
  const laterNote = h('p', { class: 'note', hidden: true }, t.t('yoursLater'))
  const later = h('ol') as HTMLOListElement
  const elsewhere = h('div')
  const live = h('div', { class: 'sr', 'aria-live': 'polite' })
  const fresh = h('button', { type: 'button', class: 'new p', hidden: true }) as HTMLButtonElement
  const feed = h('p', { class: 'hint' }, h('a', { href: api.feedUrl(), type: 'application/atom+xml' }, t.t('feed')))
  const comments = h('div', {}, list, more, laterNote, later, elsewhere)
  root.append(h('div', { class: 'bar' }, heading, sortSelect), accountRow, top, empty, h('div', { class: 'nw' }, fresh), comments, feed, live)

  const announce = (text: string) => {
    live.textContent = ''
    setTimeout(() => (live.textContent = text), 50)
  }
  const fail = (error: unknown) => announce(explain(t, error, state.rules?.maxCommentLength))
  const setTotal = (n: number) => {
    state.total = n
    heading.textContent = t.n('comments', n)
    empty.hidden = n > 0 || view.shown.size > 0
  }
  const watchCountdowns = countdowns(root, t, (li) => {
    const entry = view.shown.get(li.dataset.id ?? '')
    if (entry) view.refresh(entry.comment)
  })

  const view = createThreadView({
    t, list, later, laterNote, fail,
    readBranch: (cursor) => api.read({ sort: state.sort, cursor, limit: 50 }),
    /** A comment's own block as this reader sees it: their vote, their rights, the menus they get. */
    article(c: Comment, replyingTo) {
      const mine = c.id in state.own ? (state.rights[c.id] ?? { edit: 0, delete: state.user ? null : 0 }) : undefined
      if (mine && mine.edit > Date.now()) watchCountdowns()
      return commentArticle(c, t, {
        base: m.base,
        site: m.site,
        myVote: state.votes[c.id] ?? 0,
        myReactions: state.reactions[c.id] ?? [],
        reacts: state.rules?.reactions,
        mine,
        nests: c.depth < DISPLAY_DEPTH,
        pinned: c.id === state.pinnedId,
        replyingTo,
        moderation: state.moderates ? ctx.moderation?.menu(c) : undefined,
      })
    },
  })

  const ctx: Context = {
    t, api, store, state, view, moderation: undefined,
    announce, fail, setTotal, load, post,
    signIn: () => account.signIn(),
    chunk: <T,>(name: string) =>
      (chunks[name] ??= import(/* @vite-ignore */ `${m.base}/${name}.js?v=${BUILD}`).catch((e: unknown) => {
        // A network blip is not for ever: the next use tries again.
        delete chunks[name]
        throw e
      })) as Promise<T>,
  }
  const chunks: Record<string, Promise<unknown>> = {}
  const account = createAccount(ctx, { base: m.base, site: m.site, row: accountRow, top, moderating })
  const news = threadNews(ctx, fresh, account.render)
  listenToActions(ctx, comments)

  /** A moderator's menus come as a second file, fetched only for them. */
  async function moderating() {
    if (ctx.moderation) return
    try {
      const { installModeration } = await ctx.chunk<typeof import('./moderation.ts')>('moderate')
      ctx.moderation ??= installModeration(ctx, comments)
    } catch (e) {
      fail(e)
    }
  }

  function show(page: ThreadPage, reset: boolean) {
    if (reset) view.clear()
    for (const c of page.comments) view.place(c, undefined)
    state.nextCursor = page.nextCursor
    more.hidden = !state.nextCursor
    if (!state.nextCursor) view.settleLater()
    setTotal(page.thread?.total ?? 0)
    if (reset) {
      state.pinnedId = page.thread?.pinnedId ?? null
      if (state.locked !== (page.thread?.locked ?? false)) {
        state.locked = !state.locked
        account.render()
      }
    }
  }

  let watching = false
  async function load(around?: string) {
    try {
      const page = await api.read({ sort: state.sort, ...(around ? { around } : {}) })
      show(page, true)
      if (!watching) {
        watching = true
        requestAnimationFrame(() => {
          performance.mark('engawa:painted')
          // Writing comes after the first paint, never before it: the composer's file and the site's rules.
          void account.startWriting()
          api.rules().then((rules) => {
            state.rules = rules
            account.render()
            // Reactions are offered until the rules say otherwise: only a site that turned them off redraws.
            if (rules.reactions === 'off') for (const entry of [...view.shown.values()]) view.refresh(entry.comment)
          }, fail)
        })
        watchThread(api.liveUrl(page.thread?.lastSeq ?? 0), page.thread?.lastSeq ?? 0, api, news, m.pollMs)
      }
      await account.overlay()
      pointToOwn()
      if (around) view.highlight(around)
    } catch (e) {
      // Nothing here can work: no composer, sign-in or sort to offer, only why.
      if (isRefusedHere(e)) root.replaceChildren(heading, h('p', { class: 'err', role: 'alert' }, explain(t, e)))
      else list.replaceChildren(h('li', { class: 'err', role: 'alert' }, explain(t, e)))
    }
  }

  /** The reader's recent comments (still theirs to edit) that are on pages not loaded: a link to each. */
  function pointToOwn() {
    const away = Object.keys(state.own).filter((id) => !view.shown.has(id) && (state.rights[id]?.edit ?? 0) > Date.now())
    elsewhere.replaceChildren(
      ...away.slice(-3).map((id) => h('p', { class: 'note' }, t.t('yoursElsewhere'), ' ', h('a', { href: `#engawa-comment-${id}` }, t.t('showIt')))),
    )
  }

  async function post(body: string, guestName: string | null, parentId: string | null, honeypot: string, notify: string | null, attempt: string) {
    const answer = await api.post(body, parentId, guestName, honeypot, notify, notify ? store.notifyKey() : undefined, t.lang, attempt)
    const { comment, editToken, notify: mail } = answer
    if (editToken) store.addEditToken(comment.id, editToken)
    if (mail?.key) store.setNotifyKey(mail.key)
    state.own[comment.id] = body
    state.rights[comment.id] = rightsOf(answer.timeLeft)
    news.posted(comment.id)
    const entry = view.insertNew(comment, { sort: state.sort, hasMore: state.nextCursor !== null, own: true })
    setTotal(state.total + (comment.status === 'published' ? 1 : 0))
    entry.li.querySelector('article')?.focus()
    const mailNote = notify === null ? undefined : t.t(mail?.state === 'on' ? 'mailOn' : mail?.state === 'wait' ? 'mailTomorrow' : 'checkMail')
    // Shown under the new comment too: a sighted guest must learn to look for the mail.
    if (mailNote) entry.li.querySelector('article')?.append(h('p', { class: 'hint' }, mailNote))
    // Japanese sentences run on without a space.
    announce(mailNote ? [t.t('posted'), mailNote].join(t.lang === 'ja' ? '' : ' ') : t.t('posted'))
  }

  sortSelect.addEventListener('change', () => {
    state.sort = sortSelect.value as Sort
    void load()
  })
  more.addEventListener('click', async () => {
    if (!state.nextCursor) return
    more.disabled = true
    try {
      show(await api.read({ sort: state.sort, cursor: state.nextCursor }), false)
      pointToOwn()
    } catch (e) {
      fail(e)
    } finally {
      more.disabled = false
    }
  })
  addEventListener('hashchange', () => {
    const id = PERMALINK.exec(location.hash)?.[1]
    if (id) (view.shown.has(id) ? view.highlight(id) : void load(id))
  })

  account.render()
  // One script request, then one request for the page: the account check does not wait in line.
  void load(PERMALINK.exec(location.hash)?.[1])
  if (m.sso) state.known = account.signInBySso(m.sso).catch(() => undefined)
  // The host site says nobody is signed in there: a session it made ends too.
  else if (m.sso === '' && store.sessionBySso()) state.known = account.signOut()
  else if (store.session()) void account.whoAmI()

  return { signInBySso: account.signInBySso, signOut: account.signOut }
}
