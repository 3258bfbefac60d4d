import { askBan, askReason, banLabel } from './dialogs.ts'
import { BUTTONS_BY_STATUS, STATUS_LABELS } from '../comment-states.ts'
import { $, $$, announce, closest, guard, send, showProblem } from './page.ts'

// Comments: the cards of the queue, the search and an author's history.
const DONE: Record<string, (name: string) => string> = {
  approve: (name) => `Approved the comment by ${name}.`,
  unhide: (name) => `Restored the comment by ${name}.`,
  dismiss: (name) => `Kept the comment by ${name}; its reports are dismissed.`,
  reject: (name) => `Rejected the comment by ${name}.`,
  hide: (name) => `Hid the comment by ${name}.`,
  spam: (name) => `Marked the comment by ${name} as spam.`,
  delete: (name) => `Deleted the comment by ${name}.`,
}

export const nameOf = (item: HTMLElement) => item.dataset.name || 'someone'

export function allows(item: HTMLElement, act: string): boolean {
  return act === 'dismiss'
    ? !$('[data-act=dismiss]', item)?.hidden
    : (BUTTONS_BY_STATUS[item.dataset.status ?? ''] ?? []).includes(act) && (act !== 'ban' || Boolean(item.dataset.author))
}

export function actOnComment(item: HTMLElement, action: string, extra: object = {}) {
  return send<{ comment: { status: string } }>('POST', `/moderation/sites/${item.dataset.site}/comments/${item.dataset.id}`, { action, ...extra })
}

/** Takes an item out of a list; the queue's own version also moves the selection on. */
let leave = (item: HTMLElement) => item.remove()
let inQueue = (_item: HTMLElement) => false
export function leaveQueueBy(queue: HTMLElement, leaving: (item: HTMLElement) => void): void {
  leave = leaving
  inQueue = (item) => queue.contains(item)
}
export const leaveQueue = (item: HTMLElement) => leave(item)

/** After an action: a queue item leaves; elsewhere the card shows its new status. */
function settle(item: HTMLElement, status: string) {
  if (inQueue(item)) return leave(item)
  item.dataset.status = status
  const badge = $('.badge', item)
  if (badge) {
    badge.className = `badge ${status}`
    badge.textContent = STATUS_LABELS[status] ?? status
  }
  for (const button of $$('[data-act]', item)) button.hidden = !allows(item, button.dataset.act ?? '')
}

export async function commentAction(item: HTMLElement, act: string): Promise<void> {
  if (act === 'ban') return banFromComment(item)
  let extra: object = {}
  if (act === 'hide' || act === 'reject') {
    const answer = await askReason(1, act)
    if (!answer) return
    extra = act === 'hide' ? answer : { reason: answer.reason }
  }
  const { comment } = await actOnComment(item, act, extra)
  showProblem('')
  settle(item, comment.status)
  announce(DONE[act]?.(nameOf(item)) ?? 'Done.')
}

async function banFromComment(item: HTMLElement) {
  const answer = await askBan(nameOf(item), item.dataset.author)
  if (!answer) return
  await send('POST', `/moderation/sites/${item.dataset.site}/authors`, { commentId: item.dataset.id, action: 'ban', ...answer })
  showProblem('')
  const note = document.createElement('p')
  note.className = 'outcome'
  note.textContent = `Author banned ${banLabel(answer.days)}.`
  $('.actions', item)?.before(note)
  announce(`Banned ${nameOf(item)} ${banLabel(answer.days)}.`)
}

export function setUpCommentCards(): void {
  document.addEventListener('click', (event) => {
    const button = closest(event, '[data-act]')
    const item = button?.closest<HTMLElement>('.item')
    if (!button || !item) return
    guard(commentAction(item, button.dataset.act ?? ''))
  })
}
