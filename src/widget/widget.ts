import { ApiError, createApi, type Comment, type Page, type ThreadPage, type User } from './api.ts'
import { commentArticle, DISPLAY_DEPTH } from './comment-view.ts'
import { composer, explain } from './composer.ts'
import { h } from './dom.ts'
import { translator, type Lang } from './i18n.ts'
import { openSignIn } from './sign-in.ts'
import { createStore } from './storage.ts'
import { styleShadow } from './styles.ts'
import { followTheme } from './theme.ts'
import { watchThread } from './live.ts'

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

interface Shown {
  comment: Comment
  li: HTMLLIElement
  /** Where this comment's replies go: its own list, or, past DISPLAY_DEPTH, the list it sits in. */
  replies: HTMLOListElement
}

type Sort = 'oldest' | 'newest' | 'top'
const PERMALINK = /^#engawa-comment-([0-9a-f-]{36})$/

export function mount(m: Mount) {
  performance.mark('engawa:start')
  const t = translator(m.lang)
  const store = createStore(m.site)
  const api = createApi(m.base, m.site, m.page, store.session)
  const root = h('section', { class: 'e', lang: t.lang, 'aria-label': t.t('comment') })
  const shadow = m.host.attachShadow({ mode: 'open' })
  styleShadow(shadow)
  shadow.append(root)
  followTheme(m.theme, (dark) => root.classList.toggle('dark', dark))

  let sort: Sort = 'oldest'
  let user: User | null = null
  let moderates = false
  let following = false
  let pinnedId: string | null = null
  let locked = false
  let votes: Record<string, number> = {}
  let own: Record<string, string> = {}
  let nextCursor: string | null = null
  let total = 0
  let watching = false
  const shown = new Map<string, Shown>()

  const heading = h('h2', {}, t.t('comment'))
  const sortSelect = h(
    'select',
    { 'aria-label': t.t('sortBy') },
    ...(['oldest', 'newest', 'top'] as const).map((s) => h('option', { value: s }, t.t(s))),
  ) as HTMLSelectElement
  const account = h('div', { class: 'row' })
  const top = h('div')
  const list = h('ol')
  const empty = h('p', { class: 'empty', hidden: true }, t.t('empty'))
  const more = h('button', { type: 'button', class: 'more', hidden: true }, t.t('loadMore'))
  const live = h('div', { class: 'sr', 'aria-live': 'polite' })
  const fresh = h('button', { type: 'button', class: 'new p', hidden: true }) as HTMLButtonElement
  const feed = h('p', { class: 'hint' }, h('a', { href: api.feedUrl(), type: 'application/atom+xml' }, t.t('feed')))
  root.append(h('div', { class: 'bar' }, heading, sortSelect), account, top, empty, h('div', { class: 'nw' }, fresh), list, more, feed, live)

  const announce = (text: string) => {
    live.textContent = ''
    setTimeout(() => (live.textContent = text), 50)
  }
  const setTotal = (n: number) => {
    total = n
    heading.textContent = t.n('comments', n)
    empty.hidden = n > 0 || shown.size > 0
  }

  // ---- reading ----
  /** A comment's own block as this reader sees it: their vote, their rights, whom it answers when flattened. */
  function articleFor(c: Comment) {
    const parent = c.parentId ? shown.get(c.parentId) : undefined
    return commentArticle(c, t, {
      canVote: user !== null,
      myVote: votes[c.id] ?? 0,
      mine: c.id in own,
      nests: c.depth < DISPLAY_DEPTH,
      moderates,
      pinned: c.id === pinnedId,
      // First-strong isolates: a right-to-left name cannot reorder the words around it.
      replyingTo: c.depth > DISPLAY_DEPTH && parent?.comment.author ? `\u2068${parent.comment.author.name}\u2069` : undefined,
    })
  }

  function place(c: Comment, parent: Shown | undefined) {
    const depth = c.depth
    const li = h('li', { id: `engawa-comment-${c.id}`, 'data-id': c.id }, articleFor(c)) as HTMLLIElement
    const childList = h('ol') as HTMLOListElement
    if (depth < DISPLAY_DEPTH) li.append(childList)
    const target = parent?.replies ?? list
    const previous = shown.get(c.id)
    if (previous) previous.li.replaceWith(li)
    else target.append(li)
    const entry: Shown = { comment: c, li, replies: depth < DISPLAY_DEPTH ? childList : target }
    shown.set(c.id, entry)
    for (const reply of c.replies) place(reply, entry)
    if (c.repliesCursor) li.append(moreReplies(entry, c.repliesCursor))
    return entry
  }

  function moreReplies(entry: Shown, cursor: string) {
    const button = h('button', { type: 'button', class: 'more' }, t.t('moreReplies')) as HTMLButtonElement
    button.addEventListener('click', async () => {
      button.disabled = true
      try {
        const page = await api.read({ sort, cursor, limit: 50 })
        button.remove()
        for (const c of page.comments) place(c, c.parentId ? shown.get(c.parentId) : entry)
        if (page.nextCursor) entry.li.append(moreReplies(entry, page.nextCursor))
      } catch (e) {
        button.disabled = false
        announce(explain(t, e))
      }
    })
    return button
  }

  function show(page: ThreadPage, reset: boolean) {
    if (reset) {
      list.replaceChildren()
      shown.clear()
    }
    for (const c of page.comments) place(c, undefined)
    nextCursor = page.nextCursor
    more.hidden = !nextCursor
    setTotal(page.thread?.total ?? 0)
    if (reset) {
      pinnedId = page.thread?.pinnedId ?? null
      if (locked !== (page.thread?.locked ?? false)) {
        locked = !locked
        renderAccount()
      }
    }
  }

  async function load(around?: string) {
    try {
      const page = await api.read({ sort, ...(around ? { around } : {}) })
      show(page, true)
      requestAnimationFrame(() => performance.mark('engawa:painted'))
      if (!watching) {
        watching = true
        watchThread(api.liveUrl(page.thread?.lastSeq ?? 0), api, { arrived, updated, thread: threadChanged, renewed }, m.pollMs)
      }
      await overlay()
      if (around) highlight(around)
    } catch (e) {
      list.replaceChildren(h('li', { class: 'err', role: 'alert' }, explain(t, e)))
    }
  }

  /** The reader's own pending comments, votes and editable comments, over the public page. */
  async function overlay() {
    const tokens = Object.values(store.editTokens())
    if (!user && tokens.length === 0) return
    try {
      const mine = await api.mine(tokens)
      votes = mine.votes
      own = mine.own
      // The reader's own pending or hidden comments, with their text, over the public page.
      for (const c of mine.comments) {
        if (shown.has(c.id)) refresh(c)
        else place(c, c.parentId ? shown.get(c.parentId) : undefined)
      }
      for (const entry of [...shown.values()]) if (votes[entry.comment.id] || entry.comment.id in own) refresh(entry.comment)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) signedOut()
    }
  }

  function refresh(c: Comment) {
    const entry = shown.get(c.id)
    if (!entry) return
    const replies = entry.comment.replies
    const next = { ...c, replies: [] }
    const before = entry.li.querySelector(':scope > article')
    const after = articleFor(next)
    // A reply being written under it stays, draft and focus with it.
    const slot = before?.querySelector(':scope > .slot')
    if (slot?.firstChild) after.querySelector(':scope > .slot')?.replaceWith(slot)
    before?.replaceWith(after)
    entry.comment = { ...next, replies }
  }

  /** A comment new since the page was read: under its parent, or at the top-level end the sort puts it. */
  function insertNew(c: Comment): Shown {
    const parent = c.parentId ? shown.get(c.parentId) : undefined
    const entry = place(c, parent)
    if (!parent && sort === 'newest') list.prepend(entry.li)
    return entry
  }

  function highlight(id: string) {
    const entry = shown.get(id)
    if (!entry) return
    entry.li.classList.add('hl')
    entry.li.scrollIntoView({ block: 'center' })
    entry.li.querySelector('article')?.focus({ preventScroll: true })
    setTimeout(() => entry.li.classList.remove('hl'), 4000)
  }

  // ---- live ----
  // New comments wait behind a notice, so the page never moves under the reader.
  const waiting = new Map<string, Comment>()
  function arrived(c: Comment) {
    if (shown.has(c.id) || waiting.has(c.id)) return
    waiting.set(c.id, c)
    notice()
    announce(t.n('arrived', waiting.size))
  }
  /** A comment changed on the server: it changes in place, or goes, without moving the rest of the page. */
  function updated({ comment: c, visible }: { comment: Comment; visible: boolean }) {
    const published = c.status === 'published'
    if (waiting.has(c.id) || !shown.has(c.id)) {
      // Not on the page yet: an approved comment is news like a new one; one taken back is no longer news.
      if (visible && published) return waiting.has(c.id) ? void waiting.set(c.id, c) : arrived(c)
      if (waiting.delete(c.id)) notice()
      return
    }
    const entry = shown.get(c.id) as Shown
    const wasPublished = entry.comment.status === 'published'
    if (c.id in own && (!visible || c.author === null) && c.status !== 'deleted') {
      // Their own comment: its author still sees their words, now marked with what became of them.
      refresh({ ...entry.comment, status: c.status, ...(c.reason ? { reason: c.reason } : {}) })
    } else if (visible) refresh(c)
    else {
      entry.li.remove()
      for (const [id, e] of shown) if (!e.li.isConnected) shown.delete(id)
    }
    const delta = (visible && published ? 1 : 0) - (wasPublished ? 1 : 0)
    if (delta !== 0) setTotal(total + delta)
  }

  function threadChanged(thread: NonNullable<ThreadPage['thread']>) {
    if (thread.locked !== locked) {
      locked = thread.locked
      renderAccount()
      announce(t.t(locked ? 'closed' : 'done'))
    }
    if (thread.pinnedId !== pinnedId) {
      const before = pinnedId
      pinnedId = thread.pinnedId
      for (const id of [before, pinnedId]) {
        const entry = id ? shown.get(id) : undefined
        if (entry) refresh(entry.comment)
      }
    }
  }

  let stale = false
  function renewed() {
    stale = true
    notice()
    announce(t.t('renewed'))
  }

  function notice() {
    fresh.textContent = stale ? t.t('renewed') : t.n('newComments', waiting.size)
    fresh.hidden = !stale && waiting.size === 0
  }
  fresh.addEventListener('click', () => {
    if (stale) {
      stale = false
      waiting.clear()
      fresh.hidden = true
      void load()
      return
    }
    let first: Shown | undefined
    for (const c of waiting.values()) {
      if (shown.has(c.id)) continue
      first ??= insertNew(c)
    }
    setTotal(total + waiting.size)
    waiting.clear()
    fresh.hidden = true
    first?.li.querySelector('article')?.focus()
  })

  // ---- writing ----
  let composerShown: string | undefined
  function renderAccount() {
    account.replaceChildren()
    if (user) {
      account.append(
        h('span', {}, t.t('signedInAs', { name: user.displayName })),
        h('button', { type: 'button', class: 'l', onclick: signOut }, t.t('signOut')),
        h('button', { type: 'button', class: 'l', 'aria-pressed': String(following), onclick: toggleFollow }, t.t(following ? 'following' : 'follow')),
        ...(moderates ? [h('button', { type: 'button', class: 'l', onclick: toggleLock }, t.t(locked ? 'unlock' : 'lock'))] : []),
      )
    } else {
      account.append(h('button', { type: 'button', onclick: signIn }, t.t('signIn')), h('span', { class: 'hint' }, t.t('orGuest')))
    }
    // The composer is made again only when who writes or whether they may has changed: a draft
    // being typed survives the account row being redrawn (following, say, answered late).
    const composerFor = `${user?.id ?? ''}\n${locked}`
    if (composerFor === composerShown) return
    composerShown = composerFor
    top.replaceChildren(
      locked
        ? h('p', { class: 'note' }, t.t('closed'))
        : composer({ t, api, store, slot: 'new', asGuest: !user, offersMail: true, submitLabel: t.t('post'), submit: (body, name, trap, notify, attempt) => post(body, name, null, trap, notify, attempt) }),
    )
  }

  async function toggleFollow() {
    try {
      following = (await api.follow(!following, t.lang)).following
      renderAccount()
      announce(t.t('done'))
    } catch (e) {
      announce(explain(t, e))
    }
  }

  async function toggleLock() {
    try {
      locked = (await api.lock(!locked)).locked
      renderAccount()
      announce(t.t('done'))
    } catch (e) {
      announce(explain(t, e))
    }
  }

  async function post(body: string, guestName: string | null, parentId: string | null, honeypot: string, notify: string | null, attempt: string) {
    const { comment, editToken, notify: mail } = await api.post(body, parentId, guestName, honeypot, notify, notify ? store.notifyKey() : undefined, t.lang, attempt)
    if (editToken) store.addEditToken(comment.id, editToken)
    if (mail?.key) store.setNotifyKey(mail.key)
    own[comment.id] = body
    // Its own live event may have come first.
    waiting.delete(comment.id)
    notice()
    const entry = insertNew(comment)
    setTotal(total + (comment.status === 'published' ? 1 : 0))
    entry.li.querySelector('article')?.focus()
    const mailNote = notify === null ? undefined : t.t(mail?.state === 'on' ? 'mailOn' : mail?.state === 'wait' ? 'mailTomorrow' : 'checkMail')
    // Shown under the new comment too: a sighted guest must learn to look for the mail.
    if (mailNote) entry.li.querySelector('article')?.append(h('p', { class: 'hint' }, mailNote))
    // Japanese sentences run on without a space.
    announce(mailNote ? [t.t('posted'), mailNote].join(t.lang === 'ja' ? '' : ' ') : t.t('posted'))
  }

  function openSlot(entry: Shown, form: HTMLFormElement | null) {
    const slot = entry.li.querySelector(':scope > article > .slot')
    if (!slot) return
    slot.replaceChildren(...(form ? [form] : []))
    form?.querySelector('textarea')?.focus()
  }

  list.addEventListener('click', async (event) => {
    const button = (event.target as HTMLElement).closest('button')
    const li = button?.closest('li')
    const entry = li && shown.get(li.dataset.id ?? '')
    if (!button || !entry || button.classList.contains('more')) return
    const id = entry.comment.id
    const act = button.dataset.act
    try {
      if (button.dataset.vote) {
        const value = Number(button.dataset.vote)
        const next = votes[id] === value ? 0 : value
        const result = await api.vote(id, next)
        votes[id] = result.value
        refresh({ ...entry.comment, score: result.score })
      } else if (act === 'reply') {
        const cancel = () => openSlot(entry, null)
        openSlot(entry, composer({ t, api, store, slot: `reply:${id}`, asGuest: !user, offersMail: true, submitLabel: t.t('postReply'), cancel, submit: async (body, name, trap, notify, attempt) => {
          await post(body, name, id, trap, notify, attempt)
          cancel()
        } }))
      } else if (act === 'edit') {
        const cancel = () => openSlot(entry, null)
        openSlot(entry, composer({ t, api, store, slot: `edit:${id}`, initial: own[id] ?? '', asGuest: false, submitLabel: t.t('save'), cancel, submit: async (body) => {
          const { comment } = await api.edit(id, body, store.editTokens()[id])
          own[id] = body
          refresh(comment)
          cancel()
        } }))
      } else if (act === 'delete') {
        if (!confirm(t.t('confirmDelete'))) return
        await api.remove(id, store.editTokens()[id])
        // Its live update may have come first, and counted it already.
        const was = shown.get(id)?.comment.status
        if (entry.comment.replyCount > 0) refresh({ ...entry.comment, status: 'deleted', html: '', author: null })
        else {
          entry.li.remove()
          shown.delete(id)
          delete own[id]
        }
        if (was === 'published') setTotal(total - 1)
      } else if (act === 'toggle') {
        const open = button.getAttribute('aria-expanded') !== 'true'
        button.setAttribute('aria-expanded', String(open))
        button.textContent = t.t(open ? 'collapse' : 'expand')
        for (const child of entry.li.querySelectorAll(':scope > ol, :scope > .more')) (child as HTMLElement).hidden = !open
      }
    } catch (e) {
      announce(explain(t, e))
    }
  })

  // ---- moderation ----
  list.addEventListener('change', async (event) => {
    const select = event.target as HTMLSelectElement
    if (!select.matches('select[data-mod]')) return
    const entry = shown.get(select.closest('li')?.dataset.id ?? '')
    const action = select.value
    select.value = ''
    if (!entry || !action) return
    const id = entry.comment.id
    try {
      if (action === 'ban' || action === 'ban7' || action === 'shadow-ban' || action === 'trust') {
        if (action !== 'trust' && !confirm(t.t(action))) return
        await api.moderateAuthor(id, action === 'ban7' ? 'ban' : action, action === 'ban7' ? 7 : undefined)
        if (action === 'shadow-ban') return void load()
      } else if (action === 'pin' || action === 'unpin') {
        await api.moderate(id, action, null)
        return void load()
      } else {
        const reason = action === 'hide' ? prompt(t.t('hideReason')) : null
        if (action === 'hide' && reason === null) return
        const { comment } = await api.moderate(id, action === 'remove' ? 'delete' : action, reason)
        // Its live update may have come first, and counted it already.
        const was = shown.get(id)?.comment.status ?? comment.status
        const stays = comment.status === 'published' || comment.status === 'hidden' || comment.replyCount > 0
        if (stays) refresh(comment)
        else {
          entry.li.remove()
          shown.delete(id)
        }
        setTotal(total + (comment.status === 'published' ? 1 : 0) - (was === 'published' ? 1 : 0))
      }
      announce(t.t('done'))
    } catch (e) {
      announce(explain(t, e))
    }
  })

  // ---- accounts ----
  function signIn() {
    openSignIn(m.base, m.site, (token) => {
      store.setSession(token)
      void whoAmI()
    })
  }
  async function signOut() {
    await api.signOut().catch(() => undefined)
    signedOut()
  }
  function signedOut() {
    store.setSession(null)
    user = null
    following = false
    votes = {}
    own = {}
    renderAccount()
    void load()
  }

  sortSelect.addEventListener('change', () => {
    sort = sortSelect.value as Sort
    void load()
  })
  more.addEventListener('click', async () => {
    if (!nextCursor) return
    more.disabled = true
    try {
      show(await api.read({ sort, cursor: nextCursor }), false)
    } catch (e) {
      announce(explain(t, e))
    } finally {
      more.disabled = false
    }
  })
  addEventListener('hashchange', () => {
    const id = PERMALINK.exec(location.hash)?.[1]
    if (id) (shown.has(id) ? highlight(id) : void load(id))
  })

  renderAccount()
  const around = PERMALINK.exec(location.hash)?.[1]
  // One script request, then one request for the page: the account check does not wait in line.
  void load(around)
  if (m.sso) void signInBySso(m.sso).catch(() => undefined)
  // The host site says nobody is signed in there: a session it made ends too.
  else if (m.sso === '' && store.sessionBySso()) void signOut()
  else if (store.session()) void whoAmI()

  /** The site vouches for its signed-in user: their session replaces any other here. */
  async function signInBySso(token: string) {
    try {
      store.setSession((await api.sso(token)).token, true)
    } catch (e) {
      // A page served again from a cache carries a token already used; the session it made is kept.
      const reused = e instanceof ApiError && e.code === 'sso_token_used' && store.sessionBySso()
      if (!reused) {
        announce(explain(t, e))
        throw e
      }
    }
    await whoAmI()
  }

  /** The signed-in account and whether it moderates this site; then the page again, with its controls. */
  function whoAmI() {
    return api.me().then(
      (me) => {
        user = me.user
        moderates = Boolean(me.user.isInstanceAdmin) || me.memberships.some((membership) => membership.siteId === m.site)
        renderAccount()
        api.following().then((f) => {
          following = f.following
          renderAccount()
        }, () => undefined)
        // The comments already shown gain their controls (votes, moderation) without a second read.
        for (const entry of [...shown.values()]) refresh(entry.comment)
        void overlay()
      },
      () => signedOut(),
    )
  }

  return { signInBySso, signOut }
}
