import { $, announce, closest, field, guard, must, send, showProblem } from './page.ts'
import { exactFormat } from './times.ts'

interface MemberList {
  members: Array<{ displayName: string; email: string | null; role: string; userId: string }>
  invitations: Array<{ email: string; role: string; expiresAt: string }>
}

function record(title: string, detail: string | null, role: string, userId?: string, isYou?: boolean): HTMLLIElement {
  const li = document.createElement('li')
  li.className = 'record'
  const head = document.createElement('p')
  head.className = 'record-head'
  const who = document.createElement('span')
  const strong = document.createElement('strong')
  strong.textContent = title
  who.append(strong)
  if (detail) {
    const meta = document.createElement('span')
    meta.className = 'meta'
    meta.textContent = detail
    who.append(' ', meta)
  }
  const badge = document.createElement('span')
  badge.className = 'badge'
  badge.textContent = role
  head.append(who, badge)
  li.append(head)
  if (userId) {
    li.dataset.user = userId
    li.dataset.name = title
    if (!isYou) {
      const remove = document.createElement('button')
      remove.type = 'button'
      remove.dataset.remove = ''
      const hidden = document.createElement('span')
      hidden.className = 'sr-only'
      hidden.textContent = ` ${title}`
      remove.append('Remove', hidden)
      li.append(remove)
    }
  }
  return li
}

// Owners and moderators: invite, remove; the list is read again after each change.
export function setUpMembers(members: HTMLElement): void {
  const { site, me } = members.dataset
  async function refresh() {
    const { members: people, invitations } = await send<MemberList>('GET', `/admin/sites/${site}/members`)
    members.replaceChildren(
      ...people.map((m) => record(m.displayName, m.email, m.role, m.userId, m.userId === me)),
      ...invitations.map((i) => record(i.email, `invited, until ${exactFormat.format(new Date(i.expiresAt))}`, i.role)),
    )
  }
  members.addEventListener('click', (event) => {
    const button = closest(event, '[data-remove]')
    const li = button?.closest<HTMLElement>('[data-user]')
    if (!button || !li) return
    if (!window.confirm(`Take ${li.dataset.name}’s role on this site away?`)) return
    guard(
      (async () => {
        await send('DELETE', `/admin/sites/${site}/members/${li.dataset.user}`)
        showProblem('')
        await refresh()
        announce(`${li.dataset.name} no longer helps run this site.`)
        const title = must('#members-title')
        title.setAttribute('tabindex', '-1')
        title.focus()
      })(),
    )
  })
  const invite = $<HTMLFormElement>('#invite-form')
  invite?.addEventListener('submit', (event) => {
    event.preventDefault()
    guard(
      (async () => {
        const email = field(invite, 'email')
        if (!email.checkValidity()) {
          email.focus()
          throw new Error(`Their email: ${email.validationMessage}`)
        }
        const address = email.value.trim()
        const role = field<HTMLSelectElement>(invite, 'role').value
        await send('POST', `/admin/sites/${site}/invitations`, { email: address, role })
        showProblem('')
        invite.reset()
        await refresh()
        announce(`Invitation sent to ${address}.`)
      })(),
    )
  })
}
