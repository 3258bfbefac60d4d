import type { Comment } from './api.ts'
import { h } from './dom.ts'
import { setServerHtml } from './trusted-html.ts'
import type { Translator } from './i18n.ts'

/** How deep replies nest on screen; deeper ones line up at this depth, saying whom they answer. */
export const DISPLAY_DEPTH = 4

export interface CommentActions {
  canVote: boolean
  myVote: number
  mine: boolean
  /** Its replies nest under it (above DISPLAY_DEPTH), so they can be folded away. */
  nests: boolean
  /** The reader moderates this site: every action in place, from one menu. */
  moderates: boolean
  pinned: boolean
  replyingTo?: string
}

/** What a moderator can do to a comment in its present state; the author actions need a comment they wrote. */
const MENU: Record<string, ReadonlyArray<Parameters<Translator['t']>[0]>> = {
  published: ['hide', 'spam', 'remove', 'ban7', 'ban', 'shadow-ban', 'trust'],
  pending: ['approve', 'reject', 'spam', 'ban7', 'ban', 'trust'],
  hidden: ['unhide', 'spam', 'remove', 'ban7', 'ban', 'shadow-ban'],
}

function moderationMenu(c: Comment, t: Translator, pinned: boolean) {
  const actions = [...(MENU[c.status] ?? [])]
  if (c.status === 'published' && c.depth === 0) actions.splice(3, 0, pinned ? 'unpin' : 'pin')
  if (actions.length === 0) return null
  return h(
    'select',
    { 'data-mod': '', 'aria-label': t.t('moderate') },
    h('option', { value: '' }, t.t('moderate')),
    ...actions.map((action) => h('option', { value: action }, t.t(action))),
  )
}

/** One comment's own block (not its replies): header, body, actions. */
export function commentArticle(c: Comment, t: Translator, a: CommentActions): HTMLElement {
  const created = new Date(c.createdAt)
  // A tombstone comes without its author: deleted, or hidden by a moderator (with their reason, if shown).
  const removed = c.author === null
  const name = c.author ? (c.author.deleted ? t.t('deletedUser') : c.author.name) : ''
  const body = h('div', { class: 'body' })
  if (removed) body.append(h('p', { class: 'note' }, c.status === 'hidden' ? `${t.t('hidden')}${c.reason ? ` ${c.reason}` : ''}` : t.t('deleted')))
  else {
    // Rendered and sanitised by the server when the comment was written; nothing else goes in as HTML.
    setServerHtml(body, c.html)
    if (c.status === 'pending') body.prepend(h('p', { class: 'note' }, t.t('pending')))
    if (c.status === 'hidden') body.prepend(h('p', { class: 'note' }, t.t('hidden')))
  }
  const vote = (value: number, label: string, glyph: string) =>
    h('button', { type: 'button', class: 'l', 'data-vote': value, 'aria-label': label, 'aria-pressed': String(a.myVote === value) }, glyph)
  return h(
    'article',
    { tabindex: -1, 'aria-label': removed ? t.t(c.status === 'hidden' ? 'hidden' : 'deleted') : name },
    removed
      ? null
      : h(
          'header',
          {},
          // <bdi>: a name written right to left, or with bidi controls, cannot turn the rest of the header around.
          h('bdi', { class: 'au' }, name),
          c.author?.kind === 'guest' && h('span', { class: 'to', title: t.t('guestTitle') }, t.t('guest')),
          (c.author?.kind === 'moderator' || c.author?.kind === 'owner') &&
            h('span', { class: 'bd' }, t.t(c.author.kind === 'owner' ? 'badgeOwner' : 'badgeModerator')),
          a.replyingTo && h('span', { class: 'to' }, t.t('replyingTo', { name: a.replyingTo })),
          h(
            'a',
            // The visible relative time names the link; the exact time is its description,
            // shown on hover (title) and on keyboard focus (the stylesheet).
            { href: `#engawa-comment-${c.id}`, title: t.exact(created) },
            h('time', { datetime: c.createdAt }, t.ago(created)),
          ),
          c.editedAt && h('span', { class: 'to', title: t.exact(new Date(c.editedAt)) }, t.t('edited')),
          a.pinned && h('span', { class: 'pin' }, t.t('pinned')),
        ),
    body,
    h(
      'div',
      { class: 'acts' },
      a.canVote && !removed && vote(1, t.t('upvote'), '▲'),
      h('span', { class: 'sc', 'aria-label': t.t('score', { n: c.score }) }, String(c.score)),
      a.canVote && !removed && vote(-1, t.t('downvote'), '▼'),
      !removed && c.status === 'published' && h('button', { type: 'button', class: 'l', 'data-act': 'reply' }, t.t('reply')),
      a.mine && !removed && h('button', { type: 'button', class: 'l', 'data-act': 'edit' }, t.t('edit')),
      a.mine && !removed && h('button', { type: 'button', class: 'l', 'data-act': 'delete' }, t.t('delete')),
      a.moderates && moderationMenu(c, t, a.pinned),
      a.nests && c.replyCount > 0 && h('button', { type: 'button', class: 'l', 'data-act': 'toggle', 'aria-expanded': 'true' }, t.t('collapse')),
    ),
    h('div', { class: 'slot' }),
  )
}
