import { askBan } from './dialogs.ts'
import { $, $$, announce, guard, must, send, showProblem } from './page.ts'
import { showTimes } from './times.ts'

interface Standing {
  ban: { until?: string | null; reason?: string | null } | null
  shadowBanned: boolean
  trusted: boolean
}

// An author's standing: ban, shadow ban and trust, changed from their page.
export function setUpStanding(standing: HTMLElement): void {
  const { site, author } = standing.dataset
  const name = standing.dataset.name ?? 'the author'
  const DONE_TO_AUTHOR: Record<string, (s: Standing) => string> = {
    ban: (s) => `Banned ${name}${s.ban?.until ? '' : ' for good'}.`,
    unban: () => `Lifted the ban on ${name}.`,
    'shadow-ban': () => `Shadow-banned ${name}.`,
    'unshadow-ban': () => `Lifted the shadow ban on ${name}.`,
    trust: () => `${name} is trusted now.`,
    untrust: () => `${name} is no longer trusted.`,
  }
  function show(s: Standing) {
    const ban = must('[data-field=ban]', standing)
    ban.textContent = ''
    if (!s.ban) ban.textContent = 'Not banned'
    else {
      if (s.ban.until) {
        const time = document.createElement('time')
        time.dateTime = s.ban.until
        time.dataset.relative = ''
        ban.append('Banned, ending ', time)
      } else ban.append('Banned for good')
      if (s.ban.reason) ban.append(`: ${s.ban.reason}`)
      showTimes(ban)
    }
    must('[data-field=shadow]', standing).textContent = s.shadowBanned ? 'Yes: their comments are shown to them alone' : 'No'
    must('[data-field=trusted]', standing).textContent = s.trusted ? 'Yes: their comments skip approval' : 'No'
    const visible: Record<string, boolean> = { ban: !s.ban, unban: Boolean(s.ban), 'shadow-ban': !s.shadowBanned, 'unshadow-ban': s.shadowBanned, trust: !s.trusted, untrust: s.trusted }
    for (const button of $$('[data-author-act]')) button.hidden = !visible[button.dataset.authorAct ?? '']
  }
  async function act(button: HTMLElement) {
    const action = button.dataset.authorAct ?? ''
    let extra = {}
    if (action === 'ban') {
      const answer = await askBan(name, author)
      if (!answer) return
      extra = answer
    }
    const s = await send<Standing>('POST', `/moderation/sites/${site}/authors`, { author, action, ...extra })
    showProblem('')
    show(s)
    announce(DONE_TO_AUTHOR[action]?.(s) ?? 'Done.')
    // The button pressed may be hidden now: keep focus in the group.
    if (button.hidden) $('[data-author-act]:not([hidden])')?.focus()
  }
  for (const button of $$('[data-author-act]')) button.addEventListener('click', () => guard(act(button)))
}

// Bans: lift one.
export function setUpBans(): void {
  for (const button of $$('[data-lift]')) {
    button.addEventListener('click', () =>
      guard(
        (async () => {
          const row = button.closest<HTMLElement>('.record')
          if (!row) return
          const { site, author, name } = row.dataset
          await send('POST', `/moderation/sites/${site}/authors`, { author, action: 'unban' })
          showProblem('')
          const list = row.parentElement
          const next = row.nextElementSibling ?? row.previousElementSibling
          row.remove()
          announce(`Lifted the ban on ${name || 'the author'}.`)
          if (next) $('button', next)?.focus()
          else {
            const empty = document.createElement('p')
            empty.className = 'empty'
            empty.tabIndex = -1
            empty.textContent = 'Nobody is banned.'
            list?.replaceWith(empty)
            empty.focus()
          }
        })(),
      ),
    )
  }
}
