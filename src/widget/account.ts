import { isApiError } from './api.ts'
import { rightsOf } from './countdown.ts'
import type { Context } from './context.ts'
import { h } from './dom.ts'
import { setServerHtml } from './trusted-html.ts'
import { openSignIn } from './sign-in.ts'

export interface AccountOptions {
  base: string
  site: string
  /** The row that says who is signed in, and the place of the composer for new comments. */
  row: HTMLElement
  top: HTMLElement
  /** Called once it is known whether the reader moderates here (their menus load then). */
  moderating(): Promise<void>
}

/** Who reads: signing in (popup or the host site's SSO) and out, following the thread, and the composer that follows from it. */
export function createAccount(ctx: Context, o: AccountOptions) {
  const { t, api, store, state } = ctx
  let composerShown: string | undefined
  /** The composer's module, fetched after the first paint (write.js). */
  let writing: typeof import('./composer.ts') | undefined

  const inbox = h('span', { class: 'ib' })
  const profile = h('span')

  function render() {
    o.row.replaceChildren()
    if (state.user) {
      o.row.append(
        h('span', {}, t.t('signedInAs', { name: state.user.displayName })),
        h('button', { type: 'button', class: 'l', onclick: signOut }, t.t('signOut')),
        h('button', { type: 'button', class: 'l', 'aria-pressed': String(state.following), onclick: toggleFollow }, t.t(state.following ? 'following' : 'follow')),
        ...(state.moderates ? [h('button', { type: 'button', class: 'l', onclick: toggleLock }, t.t(state.locked ? 'unlock' : 'lock'))] : []),
        inbox,
        profile,
      )
      // The inbox and the reader's profile come as files of their own, once someone is signed in.
      ctx.chunk<typeof import('./inbox.ts')>('inbox').then((m) => m.showInbox(ctx, inbox, o.base, o.site), () => undefined)
      ctx.chunk<typeof import('./profile-editor.ts')>('profile').then((m) => m.offerProfile(ctx, profile, o.base, o.site), () => undefined)
    } else {
      const guests = state.rules?.guestsAllowed !== false
      o.row.append(h('button', { type: 'button', onclick: signIn }, t.t('signIn')), ...(guests ? [h('span', { class: 'hint' }, t.t('orGuest'))] : []))
    }
    // The composer is made again only when who writes or whether they may has changed: a draft
    // being typed survives the account row being redrawn (following, say, answered late).
    const guestsRefused = !state.user && state.rules?.guestsAllowed === false
    const composerFor = `${state.user?.id ?? ''}\n${state.locked}\n${guestsRefused}`
    if (composerFor === composerShown) return
    if (state.locked || guestsRefused) {
      composerShown = composerFor
      return o.top.replaceChildren(h('p', { class: 'note' }, t.t(state.locked ? 'closed' : 'signInToComment')))
    }
    // Until the composer's file comes, its room is kept, so that nothing below it moves then.
    if (!writing) return o.top.replaceChildren(h('div', { class: store.session() ? 'ph in' : 'ph' }))
    composerShown = composerFor
    o.top.replaceChildren(
      writing.composer({
        t, api, store, slot: 'new', asGuest: !state.user, offersMail: true, submitLabel: t.t('post'),
        maxLength: () => state.rules?.maxCommentLength, setServerHtml, shown: ctx.view.shown,
        submit: (body, name, trap, notify, attempt) => ctx.post(body, name, null, trap, notify, attempt),
      }),
    )
  }

  async function toggleFollow() {
    try {
      state.following = (await api.follow(!state.following, t.lang)).following
      render()
      ctx.announce(t.t('done'))
    } catch (e) {
      ctx.fail(e)
    }
  }

  async function toggleLock() {
    try {
      state.locked = (await api.lock(!state.locked)).locked
      render()
      ctx.announce(t.t('done'))
    } catch (e) {
      ctx.fail(e)
    }
  }

  function signIn() {
    openSignIn(o.base, o.site, (token) => {
      store.setSession(token)
      void whoAmI()
    })
  }

  async function signOut() {
    await api.signOut().catch(() => undefined)
    signedOut()
  }

  function signedOut() {
    ctx.gone?.()
    store.setSession(null)
    Object.assign(state, { user: null, moderates: false, following: false, votes: {}, reactions: {}, own: {}, rights: {} })
    render()
    void ctx.load()
  }

  /** The site vouches for its signed-in user: their session replaces any other here. */
  async function signInBySso(token: string) {
    try {
      store.setSession((await api.sso(token)).token, true)
    } catch (e) {
      // A page served again from a cache carries a token already used; the session it made is kept.
      const reused = isApiError(e) && e.code === 'sso_token_used' && store.sessionBySso()
      if (!reused) {
        ctx.fail(e)
        throw e
      }
    }
    await whoAmI()
  }

  /** The signed-in account and whether it moderates this site; then the comments shown gain their controls. */
  function whoAmI() {
    return (state.known = api.me().then(
      async (me) => {
        state.user = me.user
        state.moderates = Boolean(me.user.isInstanceAdmin) || me.memberships.some((membership) => membership.siteId === o.site)
        render()
        api.following().then((f) => {
          state.following = f.following
          render()
        }, () => undefined)
        if (state.moderates) await o.moderating()
        // The comments already shown gain their controls (votes, moderation) without a second read.
        for (const entry of [...ctx.view.shown.values()]) ctx.view.refresh(entry.comment)
        await overlay()
      },
      () => signedOut(),
    ))
  }

  /** The reader's own pending comments, votes and editable comments, over the public page. */
  async function overlay() {
    const tokens = Object.values(store.editTokens())
    if (!state.user && tokens.length === 0) return
    try {
      const mine = await api.mine(tokens)
      state.votes = mine.votes
      state.reactions = mine.reactions
      state.own = mine.own
      state.rights = Object.fromEntries(Object.entries(mine.timeLeft).map(([id, left]) => [id, rightsOf(left)]))
      for (const c of mine.comments) {
        if (ctx.view.shown.has(c.id)) ctx.view.refresh(c)
        else ctx.view.place(c, c.parentId ? ctx.view.shown.get(c.parentId) : undefined)
      }
      for (const { comment } of [...ctx.view.shown.values()])
        if (state.votes[comment.id] || comment.id in state.reactions || comment.id in state.own) ctx.view.refresh({ ...comment, reactions: mine.counts?.[comment.id] ?? comment.reactions })
    } catch (e) {
      if (isApiError(e) && e.status === 401) signedOut()
    }
  }

  /** After the first paint: the composer for new comments. */
  async function startWriting() {
    try {
      writing = await ctx.chunk<typeof import('./composer.ts')>('write')
      render()
    } catch (e) {
      ctx.fail(e)
    }
  }

  return { render, signIn, signOut, signInBySso, whoAmI, overlay, startWriting }
}
