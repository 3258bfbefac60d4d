import { actOnComment, allows, commentAction, leaveQueueBy, nameOf } from './comment-cards.ts'
import { askReason, type ReasonMode } from './dialogs.ts'
import { $, $$, announce, closest, guard, messageOf, must, plural, showProblem } from './page.ts'

// The queue: selection, removal, bulk actions and shortcuts.
const pickOf = (item: HTMLElement) => must<HTMLInputElement>('.pick', item)

/** Which action a bulk button means for each comment, by its status; undefined to skip it. */
const APPROVE: Record<string, string> = { pending: 'approve', hidden: 'unhide' }
const HIDE: Record<string, string> = { pending: 'reject', published: 'hide' }
const BULK: Record<string, (status: string, item: HTMLElement) => string | undefined> = {
  approve: (status, item) => (allows(item, 'dismiss') ? 'dismiss' : APPROVE[status]),
  hide: (status) => HIDE[status],
  spam: (status) => (['pending', 'published', 'hidden'].includes(status) ? 'spam' : undefined),
}
const BULK_DONE: Record<string, string> = { approve: 'Approved', hide: 'Hid or rejected', spam: 'Marked as spam' }

// Shortcuts: not while typing, not with Ctrl, Alt or ⌘ (the browser's and the screen reader's).
const TYPING = 'input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]'
const SHORTCUT_ACTS: Record<string, (item: HTMLElement) => string | undefined> = {
  a: (item) => (allows(item, 'dismiss') ? 'dismiss' : APPROVE[item.dataset.status ?? '']),
  h: (item) => HIDE[item.dataset.status ?? ''],
  s: (item) => (allows(item, 'spam') ? 'spam' : undefined),
  b: (item) => (allows(item, 'ban') ? 'ban' : undefined),
}
const CANNOT: Record<string, string> = {
  a: 'It is already published and nobody reported it: nothing to approve.',
  h: 'It is already out of readers’ sight.',
  s: 'It cannot be marked as spam now.',
  b: 'Its author cannot be told apart from other guests.',
}

export function setUpQueue(queue: HTMLElement): void {
  const items = () => $$('.item', queue)
  let selected: HTMLElement | undefined

  function select(item: HTMLElement | undefined, { focus = true } = {}) {
    if (!item) return
    if (selected && selected !== item) selected.classList.remove('selected')
    selected = item
    item.classList.add('selected')
    if (focus) {
      $('article', item)?.focus({ preventScroll: true })
      item.scrollIntoView({ block: 'nearest' })
    }
  }
  queue.addEventListener('focusin', (event) => {
    const item = closest(event, '.item')
    if (item) select(item, { focus: false })
  })
  const current = () => (selected && queue.contains(selected) ? selected : undefined)

  function updateCount() {
    const n = items().length
    const lede = $('#queue-count')
    if (lede?.firstChild) lede.firstChild.textContent = n === 0 ? 'Nothing is waiting.' : `${plural(n, 'comment waits', 'comments wait')} for a moderator.`
    must('#queue-empty').hidden = n > 0
    const bulk = $('.bulk')
    if (bulk) bulk.hidden = n === 0
    updatePicked()
  }

  const leave = (item: HTMLElement) => {
    const list = items()
    const index = list.indexOf(item)
    const wasSelected = item === selected || item.contains(document.activeElement)
    item.remove()
    if (selected === item) selected = undefined
    updateCount()
    if (!wasSelected) return
    const next = list[index + 1] ?? list[index - 1]
    if (next) select(next)
    else must('#queue-empty').focus()
  }
  leaveQueueBy(queue, leave)

  // Bulk: checkboxes, "select all", and the bar's buttons.
  const pickAll = $<HTMLInputElement>('#pick-all')
  const picked = () => items().filter((item) => $<HTMLInputElement>('.pick', item)?.checked)
  function updatePicked() {
    const n = picked().length
    const label = $('#picked')
    if (label) label.textContent = n === 0 ? 'None selected' : `${n} selected`
    for (const button of $$<HTMLButtonElement>('[data-bulk]')) button.disabled = n === 0
    if (pickAll) {
      const total = items().length
      pickAll.checked = total > 0 && n === total
      pickAll.indeterminate = n > 0 && n < total
    }
  }
  queue.addEventListener('change', (event) => {
    if (event.target instanceof Element && event.target.matches('.pick')) updatePicked()
  })
  pickAll?.addEventListener('change', () => {
    for (const item of items()) pickOf(item).checked = pickAll.checked
    updatePicked()
  })
  for (const button of $$('[data-bulk]')) button.addEventListener('click', () => guard(bulk(button.dataset.bulk ?? '')))

  async function bulk(kind: string) {
    const chosen = picked()
    const plan = chosen.map((item): [HTMLElement, string | undefined] => [item, BULK[kind]?.(item.dataset.status ?? '', item)])
    const doable = plan.filter((p): p is [HTMLElement, string] => p[1] !== undefined)
    if (doable.length === 0) return announce('None of the selected comments can be given that.')
    let extra: { reason?: string; showReason?: boolean } = {}
    if (kind === 'hide') {
      const acts = new Set(doable.map(([, act]) => act))
      const answer = await askReason(doable.length, acts.size > 1 ? 'mixed' : ([...acts][0] as ReasonMode))
      if (!answer) return
      extra = answer
    }
    let done = 0
    const failures: string[] = []
    for (const [item, act] of doable) {
      try {
        const body = act === 'hide' ? extra : act === 'reject' ? { reason: extra.reason } : {}
        await actOnComment(item, act, body)
        leave(item)
        done++
      } catch (error) {
        failures.push(`${nameOf(item)}: ${messageOf(error)}`)
      }
    }
    const skipped = plan.length - doable.length
    announce(`${BULK_DONE[kind]} ${plural(done, 'comment', 'comments')}.${skipped ? ` ${plural(skipped, 'was', 'were')} skipped: that does not apply to them.` : ''}`)
    showProblem(failures.length ? `Some comments were left as they were. ${failures.join(' ')}` : '')
  }

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return
    if (event.target instanceof Element && event.target.closest(TYPING)) return
    if ($('dialog[open]')) return
    const key = event.key
    const list = items()
    const here = current() ?? document.activeElement?.closest<HTMLElement>('.item') ?? undefined
    if (key === '?') {
      event.preventDefault()
      $<HTMLDialogElement>('#help-dialog')?.showModal()
    } else if (key === 'j' || key === 'k') {
      event.preventDefault()
      if (list.length === 0) return
      const index = here ? list.indexOf(here) : -1
      const next = index < 0 ? list[0] : list[Math.min(list.length - 1, Math.max(0, index + (key === 'j' ? 1 : -1)))]
      select(next)
    } else if (key === 'x') {
      if (!here) return
      event.preventDefault()
      const box = pickOf(here)
      box.checked = !box.checked
      updatePicked()
      announce(box.checked ? `Selected the comment by ${nameOf(here)}.` : `Unselected the comment by ${nameOf(here)}.`)
    } else if (key in SHORTCUT_ACTS) {
      if (!here) return announce('Press j to select a comment first.')
      event.preventDefault()
      const act = SHORTCUT_ACTS[key]?.(here)
      if (!act) return announce(CANNOT[key] ?? '')
      guard(commentAction(here, act))
    }
  })
  updatePicked()
}
