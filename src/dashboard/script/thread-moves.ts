import { $, announce, field, guard, must, send, showProblem } from './page.ts'

interface Move {
  url: string
  newUrl: string
  conflict: boolean
}

// Thread moves: preview, then move; merge.
export function setUpThreadMoves(): void {
  const moveForm = $<HTMLFormElement>('#move-form')
  if (moveForm) {
    const applyButton = must('#move-apply')
    const result = must('#move-result')
    const input = () => ({
      from: field(moveForm, 'from').value.trim(),
      to: field(moveForm, 'to').value.trim(),
      prefix: field(moveForm, 'prefix').checked,
    })
    let previewed: string | undefined
    const move = async (dryRun: boolean) => {
      for (const name of ['from', 'to']) {
        const control = field(moveForm, name)
        if (!control.checkValidity()) {
          control.focus()
          throw new Error(`${name === 'from' ? 'From' : 'To'}: ${control.validationMessage}`)
        }
      }
      const body = input()
      const answer = await send<{ moves: Move[] }>('POST', `/admin/sites/${moveForm.dataset.site}/threads/move`, { ...body, dryRun })
      showProblem('')
      const list = document.createElement('ul')
      list.className = 'records'
      for (const m of answer.moves) {
        const li = document.createElement('li')
        li.className = 'record'
        li.textContent = `${m.url} → ${m.newUrl}${m.conflict ? ' (a thread is already there: merge instead)' : ''}`
        list.append(li)
      }
      const head = document.createElement('p')
      const count = answer.moves.length
      head.textContent =
        count === 0 ? 'No thread has that address.' : dryRun ? `${count} thread${count === 1 ? '' : 's'} would move:` : `Moved ${count} thread${count === 1 ? '' : 's'}:`
      result.replaceChildren(head, list)
      previewed = dryRun && count > 0 && !answer.moves.some((m) => m.conflict) ? JSON.stringify(body) : undefined
      applyButton.hidden = previewed === undefined
      if (!dryRun) announce(head.textContent)
    }
    moveForm.addEventListener('submit', (event) => {
      event.preventDefault()
      guard(move(true))
    })
    moveForm.addEventListener('input', () => {
      previewed = undefined
      applyButton.hidden = true
    })
    applyButton.addEventListener('click', () => {
      if (previewed !== JSON.stringify(input())) return
      guard(move(false))
    })
  }
  const mergeForm = $<HTMLFormElement>('#merge-form')
  mergeForm?.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const from = field(mergeForm, 'from').value.trim()
        const into = field(mergeForm, 'into').value.trim()
        if (!from || !into) throw new Error('Name both threads, by URL or key.')
        if (!window.confirm(`Move every comment of ${from} into ${into}? This cannot be undone.`)) return
        const { moved } = await send<{ moved: number }>('POST', `/admin/sites/${mergeForm.dataset.site}/threads/merge`, { from, into })
        showProblem('')
        mergeForm.reset()
        announce(`Merged: ${moved} comment${moved === 1 ? '' : 's'} moved.`)
      })(),
    )
  })
}
