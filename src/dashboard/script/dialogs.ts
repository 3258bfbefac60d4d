import { $, $$, must, plural } from './page.ts'

// Dialogs: resolve with the form's data when confirmed, null when cancelled or escaped.
export function ask(dialog: HTMLDialogElement, prepare?: () => void): Promise<FormData | null> {
  const form = must<HTMLFormElement>('form', dialog)
  form.reset()
  prepare?.()
  dialog.returnValue = ''
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? new FormData(form) : null), { once: true })
    dialog.showModal()
  })
}

/** Ctrl+Enter (or ⌘+Enter) in a dialog's text confirms it; `data-open` buttons open theirs. */
export function setUpDialogs(): void {
  for (const dialog of $$<HTMLDialogElement>('dialog')) {
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || !(event.target instanceof HTMLTextAreaElement)) return
      event.preventDefault()
      const confirm = $<HTMLButtonElement>('button[value="confirm"]', dialog)
      if (confirm) must<HTMLFormElement>('form', dialog).requestSubmit(confirm)
    })
  }
  for (const opener of $$('[data-open]')) {
    opener.addEventListener('click', () => {
      const dialog = document.getElementById(opener.dataset.open ?? '')
      if (dialog instanceof HTMLDialogElement && !dialog.open) dialog.showModal()
    })
  }
}

export type ReasonMode = 'hide' | 'reject' | 'mixed'

/** The reason for hiding (or rejecting) one or more comments, or null. */
export async function askReason(count: number, mode: ReasonMode): Promise<{ reason?: string; showReason: boolean } | null> {
  const data = await ask(must<HTMLDialogElement>('#hide-dialog'), () => {
    const verb = mode === 'reject' ? 'Reject' : 'Hide'
    must('#hide-title').textContent = `${verb} ${count === 1 ? 'this comment' : plural(count, 'comment', 'comments')}`
    must('#hide-what').textContent =
      mode === 'reject'
        ? 'It will not be published, and its author will see it was refused.'
        : mode === 'mixed'
          ? 'Published ones are hidden, with a placeholder where replies need it; ones awaiting approval are rejected.'
          : 'Readers see a placeholder where replies need it; the author still sees the text.'
    must('#hide-show-row').hidden = mode === 'reject'
    must('#hide-confirm').textContent = verb
  })
  return data && { reason: String(data.get('reason') ?? '').trim() || undefined, showReason: data.get('showReason') === 'on' }
}

/** How long and why, or null. `author`: user:… or guest:…, as the page's data-author gives it. */
export async function askBan(name: string, author: string | undefined): Promise<{ days?: number; reason?: string } | null> {
  const data = await ask(must<HTMLDialogElement>('#ban-dialog'), () => {
    must('#ban-title').textContent = `Ban ${name}`
    // A guest has no account: what tells guests apart is their network, so that is what a ban covers.
    must('#ban-who').textContent = String(author).startsWith('guest:')
      ? `${name} is a guest, and guests are told apart by their network (an IPv4 address, or an IPv6 /64), not their name: every guest commenting from that network is banned, whatever name they give. Signed-in readers are not. Their comments stay as they are.`
      : `${name} will not be able to comment on this site. Their comments stay as they are.`
  })
  if (!data) return null
  const days = Number(data.get('days'))
  return { days: days > 0 ? days : undefined, reason: String(data.get('reason') ?? '').trim() || undefined }
}

export const banLabel = (days: number | undefined) => (days ? `for ${plural(days, 'day', 'days')}` : 'for good')
