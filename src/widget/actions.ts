import type { Context } from './context.ts'
import { h } from './dom.ts'
import { setServerHtml } from './trusted-html.ts'
import { explain } from './errors.ts'
import type { Shown } from './thread-view.ts'

/** What readers do to comments, from the buttons under each one (one listener for all of them). */
export function listenToActions(ctx: Context, comments: HTMLElement): void {
  const { t, api, store, state, view } = ctx

  function openSlot(entry: Shown, content: HTMLElement | null) {
    const slot = entry.li.querySelector(':scope > article > .slot')
    if (!slot) return
    slot.replaceChildren(...(content ? [content] : []))
    content?.querySelector('textarea')?.focus()
  }

  type Submit = (body: string, name: string | null, trap: string, notify: string | null, attempt: string) => Promise<void>
  const writer = async (entry: Shown, slot: string, submitLabel: string, initial: string | undefined, submit: Submit) => {
    const cancel = () => openSlot(entry, null)
    const { composer } = await ctx.chunk<typeof import('./composer.ts')>('write')
    return composer({
      t, api, store, slot, initial, submitLabel, cancel,
      asGuest: !state.user && initial === undefined,
      offersMail: initial === undefined,
      maxLength: () => state.rules?.maxCommentLength, setServerHtml, shown: view.shown,
      submit: async (...args) => {
        await submit(...args)
        cancel()
      },
    })
  }

  const signInFirst = (entry: Shown) =>
    openSlot(entry, h('p', { class: 'hint', role: 'status' }, t.t('signInToVote'), ' ', h('button', { type: 'button', onclick: ctx.signIn }, t.t('signIn'))))

  const act: Record<string, (entry: Shown, button: HTMLButtonElement) => Promise<void> | void> = {
    async vote(entry, button) {
      const id = entry.comment.id
      // Pressed before the widget has heard who the reader is: once it has, as who they are.
      if (!state.user) await state.known
      if (!state.user) return signInFirst(entry)
      const value = Number(button.dataset.vote)
      const result = await api.vote(id, state.votes[id] === value ? 0 : value)
      state.votes[id] = result.value
      view.refresh({ ...entry.comment, score: result.score })
    },
    /** A reaction's button under the comment or in the picker: gives it, or takes it back. */
    async reaction(entry, button) {
      const id = entry.comment.id
      if (!state.user) await state.known
      if (!state.user && state.rules?.reactions !== 'everyone') return signInFirst(entry)
      const kind = button.dataset.react ?? ''
      const result = await api.react(id, kind, !(state.reactions[id] ?? []).includes(kind))
      state.reactions[id] = result.mine
      if (button.closest('.slot')) openSlot(entry, null)
      view.refresh({ ...entry.comment, reactions: result.reactions })
    },
    async react(entry, button) {
      if (!state.user) await state.known
      if (!state.user && state.rules?.reactions !== 'everyone') return signInFirst(entry)
      const { openPicker } = await ctx.chunk<typeof import('./reactions.ts')>('react')
      openPicker(entry, button, t, state.reactions[entry.comment.id] ?? [], (picker) => openSlot(entry, picker))
    },
    async reply(entry) {
      const id = entry.comment.id
      openSlot(entry, await writer(entry, `reply:${id}`, t.t('postReply'), undefined, (body, name, trap, notify, attempt) => ctx.post(body, name, id, trap, notify, attempt)))
    },
    async edit(entry) {
      const id = entry.comment.id
      openSlot(entry, await writer(entry, `edit:${id}`, t.t('save'), state.own[id] ?? '', async (body) => {
        const { comment } = await api.edit(id, body, store.editTokens()[id])
        state.own[id] = body
        view.refresh(comment)
      }))
    },
    async delete(entry) {
      const id = entry.comment.id
      if (!confirm(t.t('confirmDelete'))) return
      await api.remove(id, store.editTokens()[id])
      // Its live update may have come first, and counted it already.
      const was = view.shown.get(id)?.comment.status
      delete state.own[id]
      delete state.rights[id]
      if (entry.comment.replyCount > 0) view.refresh({ ...entry.comment, status: 'deleted', html: '', author: null })
      else view.remove(id)
      if (was === 'published') ctx.setTotal(state.total - 1)
    },
    toggle(entry, button) {
      const open = button.getAttribute('aria-expanded') !== 'true'
      button.setAttribute('aria-expanded', String(open))
      button.textContent = t.t(open ? 'collapse' : 'expand')
      for (const child of entry.li.querySelectorAll(':scope > ol, :scope > .more')) (child as HTMLElement).hidden = !open
    },
    fold(entry, button) {
      view.toggleFold(entry.comment.id, button)
    },
    async menu(entry, button) {
      const id = entry.comment.id
      const { openReportMenu } = await ctx.chunk<typeof import('./report.ts')>('report')
      openReportMenu(button, {
        lang: t.lang, api, commentId: id,
        reported: store.reported().includes(id),
        onReported: () => store.addReported(id),
        explain: (e) => explain(t, e),
        show: (form) => openSlot(entry, form),
      })
    },
  }

  // Who reacted, for signed-in readers: from a file loaded when a reaction is first pointed at or focused.
  const showReactors = async (event: Event) => {
    const chip = (event.target as HTMLElement).closest?.('button.rx')
    const entry = chip && view.shown.get(chip.closest('li')?.dataset.id ?? '')
    if (!state.user || !entry || chip.closest('.slot')) return
    const { nameReactors } = await ctx.chunk<typeof import('./reactions.ts')>('react')
    await nameReactors(api, t, entry).catch(() => undefined)
  }
  comments.addEventListener('mouseover', showReactors)
  comments.addEventListener('focusin', showReactors)

  comments.addEventListener('click', async (event) => {
    const button = (event.target as HTMLElement).closest('button')
    const li = button?.closest('li')
    const entry = li && view.shown.get(li.dataset.id ?? '')
    const name = button?.dataset.vote ? 'vote' : button?.dataset.react ? 'reaction' : button?.dataset.act
    const handler = name ? act[name] : undefined
    if (!button || !entry || !handler || button.getAttribute('role') === 'menuitem') return
    try {
      await handler(entry, button)
    } catch (e) {
      ctx.fail(e)
    }
  })
}
