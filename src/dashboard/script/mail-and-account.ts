import { $, announce, guard, send, showProblem } from './page.ts'

// One's own mail about the queue, the owner's test mail, and signing out.
export function setUpMailAndAccount(): void {
  const notify = $<HTMLInputElement>('#notify-queue')
  notify?.addEventListener('change', () =>
    guard(
      (async () => {
        const wanted = notify.checked
        try {
          await send('PUT', `/moderation/sites/${notify.dataset.site}/notifications`, { queue: wanted })
        } catch (error) {
          notify.checked = !wanted
          throw error
        }
        showProblem('')
        announce(wanted ? 'You will get an email when something enters the queue.' : 'No more emails about the queue.')
      })(),
    ),
  )

  // The test mail is queued, then the page reloads to show it in the delivery log.
  const testMail = $<HTMLButtonElement>('#test-mail')
  testMail?.addEventListener('click', () =>
    guard(
      (async () => {
        testMail.disabled = true
        try {
          const { to } = await send<{ to: string }>('POST', `/admin/sites/${testMail.dataset.site}/mail/test`, {})
          announce(`A test mail is on its way to ${to}.`)
          location.reload()
        } finally {
          testMail.disabled = false
        }
      })(),
    ),
  )

  $('#sign-out')?.addEventListener('click', () =>
    guard(
      (async () => {
        await send('POST', '/auth/logout', {})
        location.href = '/auth/popup'
      })(),
    ),
  )
}
