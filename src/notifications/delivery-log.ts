import type { Kysely } from 'kysely'
import type { Database, OutboxMailRow } from '../db/schema.ts'
import { enqueueMail } from '../mail/outbox.ts'

// What an owner sees of their site's mail: each mail's state and, when it failed, the mail
// server's answer. Bodies are never kept once a mail is settled, nor shown.

export type DeliveryStatus = 'queued' | 'retrying' | 'sent' | 'failed'

export interface DeliveryEntry {
  id: string
  to: string
  subject: string
  status: DeliveryStatus
  attempts: number
  createdAt: Date
  settledAt: Date | null
  nextAttemptAt: Date | null
  lastError: string | null
}

export const DELIVERY_LOG_LIMIT = 100

function statusOf(mail: Pick<OutboxMailRow, 'sent_at' | 'failed_at' | 'attempts'>): DeliveryStatus {
  if (mail.sent_at) return 'sent'
  if (mail.failed_at) return 'failed'
  return mail.attempts > 0 ? 'retrying' : 'queued'
}

/** `aki@mail.example` as `a…@mail.example`. */
function maskAddress(address: string): string {
  const at = address.lastIndexOf('@')
  return `${address.slice(0, Math.min(1, at))}…${address.slice(at)}`
}

/**
 * The site's latest mails, newest first. An address that belongs to an Engawa account is the
 * account's, not something its owner gave this site: it is shown masked, except to its owner.
 */
export async function readDeliveryLog(db: Kysely<Database>, siteId: string, viewerEmail: string | null): Promise<DeliveryEntry[]> {
  const rows = await db
    .selectFrom('outbox_mails')
    .select(['id', 'to_address', 'subject', 'attempts', 'created_at', 'sent_at', 'failed_at', 'next_attempt_at', 'last_error'])
    .select((eb) => eb.exists(eb.selectFrom('users').select('id').whereRef('users.email', '=', 'outbox_mails.to_address')).as('is_account'))
    .where('site_id', '=', siteId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(DELIVERY_LOG_LIMIT)
    .execute()
  return rows.map((m) => {
    const status = statusOf(m)
    return {
      id: m.id,
      to: m.is_account && m.to_address !== viewerEmail ? maskAddress(m.to_address) : m.to_address,
      subject: m.subject,
      status,
      attempts: m.attempts,
      createdAt: m.created_at,
      settledAt: m.sent_at ?? m.failed_at,
      nextAttemptAt: status === 'queued' || status === 'retrying' ? m.next_attempt_at : null,
      lastError: m.last_error,
    }
  })
}

/** Queues a test mail to the owner who asked, through the same outbox as every notification. */
export async function queueTestMail(db: Kysely<Database>, site: { id: string; name: string }, to: string, now: Date): Promise<void> {
  await enqueueMail(
    db,
    {
      to,
      siteId: site.id,
      subject: `Engawa test mail for ${site.name}`,
      text: [
        `This is a test mail from Engawa for ${site.name}, sent because an owner asked for one in the dashboard.`,
        '',
        'If you read it, mail from Engawa reaches this address: readers’ reply notifications go out the same way.',
      ].join('\n'),
    },
    now,
  )
}
