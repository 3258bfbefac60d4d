import type { moderatedToJson } from '../moderation/moderated-json.ts'
import { Time } from './time.tsx'
import { BUTTONS_BY_STATUS, STATUS_LABELS } from './comment-states.ts'

export type ModeratedItem = ReturnType<typeof moderatedToJson>

export function authorLabel(item: ModeratedItem): string {
  const name = item.comment.author?.name
  return name ? name : 'A deleted account'
}

export function authorHref(siteId: string, author: string): string {
  return `/admin/sites/${siteId}/authors/${encodeURIComponent(author)}`
}

/** Why the comment is in front of a moderator: held on arrival, reported, or both. */
function Why(props: { item: ModeratedItem }) {
  const { item } = props
  const held = item.comment.status === 'pending'
  if (!held && item.reports === 0) return null
  return (
    <div class="why">
      {held && (
        <p>
          <strong>Held for approval:</strong> {item.heldBecause ?? 'the site approves comments first.'}
        </p>
      )}
      {item.reports > 0 && (
        <p>
          <strong>
            Reported by {item.reports} {item.reports === 1 ? 'reader' : 'readers'}
          </strong>
          {item.reasons.length > 0 && `: ${item.reasons.join(', ')}`}
        </p>
      )}
      {item.reportTexts.length > 0 && (
        <ul class="report-texts" aria-label="What the readers wrote">
          {item.reportTexts.map((t) => (
            <li>
              <q>{t}</q>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

const BUTTONS = [
  { act: 'approve', label: 'Approve', key: 'a', primary: true },
  { act: 'unhide', label: 'Restore', key: 'a', primary: true },
  { act: 'dismiss', label: 'Keep it', key: 'a', primary: true },
  { act: 'reject', label: 'Reject…', key: 'h' },
  { act: 'hide', label: 'Hide…', key: 'h' },
  { act: 'spam', label: 'Spam', key: 's' },
  { act: 'delete', label: 'Delete' },
  { act: 'ban', label: 'Ban author…', key: 'b' },
] as const

/** Every action's button, those that do not apply to the comment's status hidden (the script acts on them). */
function Actions(props: { item: ModeratedItem; shortcuts: boolean }) {
  const status = props.item.comment.status
  // A reported comment a moderator reads and keeps: its reports are dismissed.
  const allowed = [...(BUTTONS_BY_STATUS[status] ?? []), ...(props.item.reports > 0 && status === 'published' ? ['dismiss'] : [])]
  const hasAuthor = props.item.author !== null
  return (
    <div class="actions">
      {BUTTONS.map((b) => (
        <button
          type="button"
          class={'primary' in b ? 'primary' : undefined}
          data-act={b.act}
          aria-keyshortcuts={props.shortcuts && 'key' in b ? b.key : undefined}
          hidden={!allowed.includes(b.act) || (b.act === 'ban' && !hasAuthor)}
        >
          {b.label}
        </button>
      ))}
    </div>
  )
}

/**
 * One comment as a moderator sees it, in its context: where it was posted, what it answers,
 * and why it is here. Its HTML and its parent's were sanitised when written (markdown/render.ts),
 * so they go in as they are; every other string is escaped by JSX.
 */
export function CommentCard(props: { item: ModeratedItem; level: 2 | 3; selectable?: boolean; showSite?: boolean }) {
  const { item } = props
  const { comment } = item
  const titleId = `c-${comment.id}-title`
  const Heading = props.level === 2 ? 'h2' : 'h3'
  return (
    <li class="item" data-id={comment.id} data-site={item.site.id} data-status={comment.status} data-author={item.author ?? ''} data-name={authorLabel(item)}>
      <article class="comment" tabindex={-1} aria-labelledby={titleId}>
        <header class="comment-head">
          {props.selectable && (
            <input type="checkbox" class="pick" aria-label={`Select the comment by ${authorLabel(item)}`} />
          )}
          <Heading id={titleId} class="comment-title">
            {item.author ? <a href={authorHref(item.site.id, item.author)}><bdi>{authorLabel(item)}</bdi></a> : <bdi>{authorLabel(item)}</bdi>} <span class="on">on</span>{' '}
            <a href={item.page.url} rel="noopener noreferrer">
              {item.page.title || item.page.url}
            </a>
          </Heading>
          <p class="meta">
            {props.showSite && <span class="site">{item.site.name}</span>}
            <Time at={comment.createdAt} />
            <span class={`badge ${comment.status}`}>{STATUS_LABELS[comment.status] ?? comment.status}</span>
          </p>
        </header>
        <Why item={item} />
        {item.parent && (
          <blockquote class="parent">
            <p class="parent-by">In reply to <bdi>{item.parent.author || 'a removed comment'}</bdi></p>
            {item.parent.html ? <div class="excerpt" dangerouslySetInnerHTML={{ __html: item.parent.html }} /> : <p class="excerpt">(removed)</p>}
          </blockquote>
        )}
        <div class="body" dangerouslySetInnerHTML={{ __html: comment.html }} />
        <Actions item={item} shortcuts={Boolean(props.selectable)} />
      </article>
    </li>
  )
}

/** A titled list of comment cards (an author's history, search results): at most `limit`, newest first. */
export function CommentList(props: { id: string; items: ModeratedItem[]; empty: string; limit: number; limitNote: string }) {
  const { items } = props
  const count = `${items.length}${items.length === props.limit ? ` ${props.limitNote}` : ''} ${items.length === 1 ? 'comment' : 'comments'}`
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{items.length === 0 ? props.empty : count}</h2>
      <ol class="items" aria-labelledby={props.id}>
        {items.map((item) => (
          <CommentCard item={item} level={3} />
        ))}
      </ol>
    </section>
  )
}
