import type { Comment } from './api.ts'
import { avatar } from './avatar.ts'
import { timeLeftText, type Rights } from './countdown.ts'
import { h } from './dom.ts'
import { setServerHtml } from './trusted-html.ts'
import type { Translator } from './i18n.ts'

/** How deep replies nest on screen; deeper ones line up at this depth, saying whom they answer. */
export const DISPLAY_DEPTH = 4

/** What this reader sees of a comment and may do with it. */
export interface CommentView {
  /** Engawa's origin and the site's id: where profiles are. */
  base: string
  site: string
  myVote: number
  /** The reader's own reactions on it. */
  myReactions: string[]
  /** Who may react on the site; undefined until its rules are known (reactions are offered meanwhile). */
  reacts: 'off' | 'accounts' | 'everyone' | undefined
  /** The reader wrote it: their rights over it, which the server gave with its time left. */
  mine: Rights | undefined
  /** Its replies nest under it (above DISPLAY_DEPTH), so they can be folded away. */
  nests: boolean
  pinned: boolean
  replyingTo?: string | undefined
  /** The moderators' menu, when the reader moderates this site. */
  moderation?: HTMLElement | null | undefined
}

function votes(c: Comment, t: Translator, v: CommentView) {
  const score = h('span', { class: 'sc', 'aria-label': t.t('score', { n: c.score }) }, String(c.score))
  // One's own comment gets no votes, only its score, said in words.
  if (v.mine) return [h('span', { class: 'sc' }, t.n('points', c.score))]
  const vote = (value: number, label: string, glyph: string) =>
    h('button', { type: 'button', class: 'l', 'data-vote': value, 'aria-label': label, 'aria-pressed': String(v.myVote === value) }, glyph)
  return [vote(1, t.t('upvote'), '▲'), score, vote(-1, t.t('downvote'), '▼')]
}

/** The reactions' glyphs, in the server's order (comments/reaction-kinds.ts); screen readers say an emoji's name. */
export const REACTION_GLYPHS: Record<string, string> = {
  heart: '❤️', laugh: '😄', hooray: '🎉', thinking: '🤔', eyes: '👀', rocket: '🚀', clap: '👏', thanks: '🙏',
}

function reactions(c: Comment, t: Translator, v: CommentView) {
  if (v.reacts === 'off') return []
  const given = Object.keys(REACTION_GLYPHS).filter((kind) => (c.reactions?.[kind] ?? 0) > 0)
  return [
    ...given.map((kind) =>
      h('button', { type: 'button', class: 'l rx', 'data-react': kind, 'aria-pressed': String(v.myReactions.includes(kind)) }, `${REACTION_GLYPHS[kind]} ${c.reactions?.[kind]}`),
    ),
    h('button', { type: 'button', class: 'l', 'data-act': 'react', 'aria-label': t.t('react'), 'aria-expanded': 'false' }, '☺+'),
  ]
}

function header(c: Comment, t: Translator, v: CommentView, name: string) {
  const created = new Date(c.createdAt)
  return h(
    'header',
    {},
    c.author && avatar(c.author),
    // <bdi>: a name written right to left, or with bidi controls, cannot turn the rest of the header around.
    h('bdi', { class: 'au' }, c.author?.profileId ? h('a', { href: `${v.base}/s/${v.site}/u/${c.author.profileId}`, target: '_blank' }, name) : name),
    v.mine && h('span', { class: 'bd' }, t.t('you')),
    c.author?.kind === 'guest' && h('span', { class: 'to', title: t.t('guestTitle') }, t.t('guest')),
    (c.author?.kind === 'moderator' || c.author?.kind === 'owner') && h('span', { class: 'bd' }, t.t(c.author.kind === 'owner' ? 'badgeOwner' : 'badgeModerator')),
    v.replyingTo && h('span', { class: 'to' }, t.t('replyingTo', { name: v.replyingTo })),
    h(
      'a',
      // The visible relative time names the link; the exact time is its description,
      // shown on hover (title) and on keyboard focus (the stylesheet).
      { href: `#engawa-comment-${c.id}`, title: t.exact(created) },
      h('time', { datetime: c.createdAt }, t.ago(created)),
    ),
    c.editedAt && h('span', { class: 'to', title: t.exact(new Date(c.editedAt)) }, t.t('edited')),
    v.pinned && h('span', { class: 'pin' }, t.t('pinned')),
  )
}

/** One comment's own block (not its replies): header, body, actions, and a slot for a form under it. */
export function commentArticle(c: Comment, t: Translator, v: CommentView): HTMLElement {
  // A tombstone comes without its author: deleted, or hidden by a moderator (with their reason, if shown).
  const removed = c.author === null
  const name = c.author ? (c.author.deleted ? t.t('deletedUser') : c.author.name) : ''
  const published = c.status === 'published' && !removed
  const now = Date.now()
  const mayEdit = v.mine !== undefined && !removed && v.mine.edit > now
  const mayDelete = v.mine !== undefined && !removed && (v.mine.delete === null || v.mine.delete > now)
  const body = h('div', { class: 'body' })
  if (removed) body.append(h('p', { class: 'note' }, c.status === 'hidden' ? `${t.t('hidden')}${c.reason ? ` ${c.reason}` : ''}` : t.t('deleted')))
  else {
    // Rendered and sanitised by the server when the comment was written; nothing else goes in as HTML.
    setServerHtml(body, c.html)
    body.classList.add('fold')
    if (c.status === 'pending') body.prepend(h('p', { class: 'note' }, t.t('pending')))
    if (c.status === 'hidden') body.prepend(h('p', { class: 'note' }, t.t('hidden')))
  }
  return h(
    'article',
    { tabindex: -1, 'aria-label': removed ? t.t(c.status === 'hidden' ? 'hidden' : 'deleted') : name },
    removed ? null : header(c, t, v, name),
    body,
    h(
      'div',
      { class: 'acts' },
      // A hidden, pending or removed comment shows no score: nobody can vote on it.
      ...(published ? votes(c, t, v) : []),
      ...(published ? reactions(c, t, v) : []),
      published && h('button', { type: 'button', class: 'l', 'data-act': 'reply' }, t.t('reply')),
      mayEdit && h('button', { type: 'button', class: 'l', 'data-act': 'edit' }, t.t('edit')),
      mayDelete && h('button', { type: 'button', class: 'l', 'data-act': 'delete' }, t.t('delete')),
      mayEdit && h('span', { class: 'to', 'data-until': v.mine?.edit }, timeLeftText(t, v.mine?.edit ?? now)),
      published &&
        !v.mine &&
        h('button', { type: 'button', class: 'l', 'data-act': 'menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-label': `${t.t('actions')}: ${name}` }, '⋯'),
      v.moderation,
      v.nests && c.replyCount > 0 && h('button', { type: 'button', class: 'l', 'data-act': 'toggle', 'aria-expanded': 'true' }, t.t('collapse')),
    ),
    h('div', { class: 'slot' }),
  )
}
