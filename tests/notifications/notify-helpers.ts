import { expect } from 'vitest'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { createLog } from '../../src/log.ts'
import { createMailWorker } from '../../src/mail/mail-worker.ts'
import { smtpSender } from '../../src/mail/senders.ts'
import { ENGAWA_ORIGIN } from '../helpers/accounts.ts'
import type { TestApp } from '../helpers/harness.ts'
import type { SmtpSink } from '../helpers/smtp-sink.ts'

export const MINUTE = 60_000

/** The maintenance round that batches notifications; returns how many digests it queued. */
export async function runDigests(t: TestApp): Promise<number> {
  const done = await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)
  expect(done.failed).toEqual({})
  return done.notificationMails as number
}

/** Sends everything due in the outbox to the sink, as a server's mail worker would. */
export async function deliver(t: TestApp, sink: SmtpSink) {
  const sender = smtpSender(sink.url, 'Engawa <engawa@localhost>')
  try {
    return await createMailWorker({ db: t.db, clock: t.clock, log: createLog('silent', () => {}), sender, batchSize: 100 }).runOnce()
  } finally {
    sender.close()
  }
}

export async function outboxTo(t: TestApp, to: string) {
  return t.db.selectFrom('outbox_mails').selectAll().where('to_address', '=', to).orderBy('created_at').execute()
}

/** The notification digests queued for an address (they alone carry List-Unsubscribe), oldest first. */
export async function digestsTo(t: TestApp, to: string) {
  return (await outboxTo(t, to)).filter((m) => m.headers !== null)
}

/** The path and query of the first link to /api/v1/notifications/<purpose> in a text. */
export function linkIn(text: string | null | undefined, purpose: 'confirm' | 'unsubscribe'): string {
  const match = new RegExp(`${ENGAWA_ORIGIN}(/api/v1/notifications/${purpose}\\?\\S+)`).exec(text ?? '')
  expect(match, `no ${purpose} link in ${text}`).toBeTruthy()
  return match?.[1] as string
}

/** Follows the confirmation link of a guest's one mail: the page, then its button. */
export async function confirmAddress(t: TestApp, email: string) {
  const mail = (await outboxTo(t, email)).find((m) => m.headers === null)
  const path = linkIn(mail?.body_text, 'confirm')
  expect((await t.request('POST', path, undefined, { origin: ENGAWA_ORIGIN })).status).toBe(200)
}
