// The moderators' part of the widget, built as its own file (moderate.js) and loaded only for a
// reader who moderates this site: every other reader's download stays without it.
import type { Comment } from './api.ts'
import type { Context, Moderation } from './context.ts'
import { h } from './dom.ts'

const en = {
  moderate: 'Moderate…',
  hide: 'Hide',
  hideReason: 'Why hide it? (optional; kept in the moderation log)',
  approve: 'Approve',
  unhide: 'Show again',
  reject: 'Reject',
  spam: 'Mark as spam',
  remove: 'Delete',
  pin: 'Pin to top',
  unpin: 'Unpin',
  ban7: 'Ban author for 7 days',
  ban: 'Ban author for good',
  'shadow-ban': 'Shadow-ban author',
  trust: 'Trust author (skip approval)',
  guestNetwork: 'A guest is known by their network, not their name: every guest commenting from it is included.',
}

const ja: typeof en = {
  moderate: 'モデレート…',
  hide: '非表示',
  hideReason: '非表示にする理由（任意・モデレーション記録に残ります）',
  approve: '承認',
  unhide: '再表示',
  reject: '却下',
  spam: 'スパムにする',
  remove: '削除',
  pin: '先頭に固定',
  unpin: '固定を解除',
  ban7: '投稿者を7日間ブロック',
  ban: '投稿者を無期限ブロック',
  'shadow-ban': '投稿者をシャドウバン',
  trust: '投稿者を信頼（承認不要）',
  guestNetwork: 'ゲストは名前ではなくネットワークで区別されます。同じネットワークからコメントするすべてのゲストが対象になります。',
}

type Action = Exclude<keyof typeof en, 'moderate' | 'hideReason' | 'guestNetwork'>

/** What a moderator can do to a comment in its present state. */
const MENU: Record<string, Action[]> = {
  published: ['hide', 'spam', 'remove', 'ban7', 'ban', 'shadow-ban', 'trust'],
  pending: ['approve', 'reject', 'spam', 'ban7', 'ban', 'trust'],
  hidden: ['unhide', 'spam', 'remove', 'ban7', 'ban', 'shadow-ban'],
}

export function installModeration(ctx: Context, comments: HTMLElement): Moderation {
  const { api, state, view } = ctx
  const words = ctx.t.lang === 'ja' ? ja : en

  comments.addEventListener('change', async (event) => {
    const select = event.target as HTMLSelectElement
    if (!select.matches('select[data-mod]')) return
    const entry = view.shown.get(select.closest('li')?.dataset.id ?? '')
    const action = select.value as Action | ''
    select.value = ''
    if (!entry || !action) return
    try {
      await act(entry.comment, action)
      ctx.announce(ctx.t.t('done'))
    } catch (e) {
      ctx.fail(e)
    }
  })

  async function act(c: Comment, action: Action) {
    if (action === 'ban' || action === 'ban7' || action === 'shadow-ban' || action === 'trust') {
      const question = c.author?.kind === 'guest' ? `${words[action]}?\n${words.guestNetwork}` : `${words[action]}?`
      if (action !== 'trust' && !confirm(question)) return
      await api.moderateAuthor(c.id, action === 'ban7' ? 'ban' : action, action === 'ban7' ? 7 : undefined)
      if (action === 'shadow-ban') await ctx.load()
      return
    }
    if (action === 'pin' || action === 'unpin') {
      await api.moderate(c.id, action, null)
      return ctx.load()
    }
    const reason = action === 'hide' ? prompt(words.hideReason) : null
    if (action === 'hide' && reason === null) return
    const { comment } = await api.moderate(c.id, action === 'remove' ? 'delete' : action, reason)
    // Its live update may have come first, and counted it already.
    const was = view.shown.get(c.id)?.comment.status ?? comment.status
    if (comment.status === 'published' || comment.status === 'hidden' || comment.replyCount > 0) view.refresh(comment)
    else view.remove(c.id)
    ctx.setTotal(state.total + (comment.status === 'published' ? 1 : 0) - (was === 'published' ? 1 : 0))
  }

  return {
    menu(c) {
      const actions = [...(MENU[c.status] ?? [])]
      if (c.status === 'published' && c.depth === 0) actions.splice(3, 0, state.pinnedId === c.id ? 'unpin' : 'pin')
      if (actions.length === 0) return null
      return h(
        'select',
        { 'data-mod': '', 'aria-label': words.moderate },
        h('option', { value: '' }, words.moderate),
        ...actions.map((action) => h('option', { value: action }, words[action])),
      )
    },
  }
}
