import type { Kysely } from 'kysely'
import type { Database, OutboxMailRow } from '../db/schema.ts'
import type { Clock } from '../deps.ts'
import { roundLoop } from '../jobs/round-loop.ts'
import type { Log } from '../log.ts'
import type { MailSender } from './mail-sender.ts'

// Sends the outbox. Every Node instance runs one of these over the same table: a round claims a
// few due rows in one statement (FOR UPDATE SKIP LOCKED, so two instances never claim the same
// row), commits, and only then talks SMTP, so no transaction or row lock waits on a mail server.
// A claim is a lease: if the instance dies mid-round, its rows come due again when the lease
// ends. Delivery is therefore at least once: a crash between the server's "250 OK" and the
// update that records it sends that one mail again.

const MINUTE = 60_000
const FIRST_RETRY_DELAY_MS = MINUTE
const MAX_RETRY_DELAY_MS = 60 * MINUTE
/** A mail still failing this long after it was queued is given up (its links expired long ago). */
export const GIVE_UP_AFTER_MS = 3 * 24 * 60 * MINUTE
const LAST_ERROR_MAX_CHARS = 200

export interface MailWorkerDeps {
  db: Kysely<Database>
  clock: Clock
  log: Log
  sender: MailSender
  /** Mails claimed per round, sent one after another. */
  batchSize?: number
  /** How long a claim keeps other instances off a row; must outlast a round of slow sends. */
  leaseMs?: number
}

export interface MailRound {
  sent: number
  retried: number
  failed: number
}

export interface MailWorker {
  /** One round: claim due mails, send them, record each outcome. */
  runOnce(): Promise<MailRound>
  /** Runs rounds every `intervalMs` (at once again after a full batch) until stop(). */
  start(intervalMs: number): void
  /** Stops the loop and waits for a round in flight to finish. */
  stop(): Promise<void>
}

/** The wait after a failed attempt: 1 minute, doubling per attempt, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS)
}

export function createMailWorker(deps: MailWorkerDeps): MailWorker {
  const { db, clock, log, sender } = deps
  const batchSize = deps.batchSize ?? 10
  const leaseMs = deps.leaseMs ?? 10 * MINUTE

  async function runOnce(): Promise<MailRound> {
    const round: MailRound = { sent: 0, retried: 0, failed: 0 }
    const claimed = await claimDueMails(db, clock.now(), batchSize, leaseMs)
    for (const mail of claimed) {
      // Slow sends earlier in this round outlasted the lease: the rest may be another
      // instance's now. Left alone, they are due again for whoever claims them next.
      if (!mail.claimed_until || clock.now() >= mail.claimed_until) break
      try {
        await sender.send({ id: mail.id, to: mail.to_address, subject: mail.subject, text: mail.body_text ?? '', headers: mail.headers ?? undefined })
      } catch (error) {
        round[(await recordFailure(mail, error)) ? 'failed' : 'retried']++
        continue
      }
      await markSent(db, mail.id, clock.now())
      round.sent++
    }
    return round
  }

  /** Records a failed attempt; true when the mail is given up for good. */
  async function recordFailure(mail: OutboxMailRow, error: unknown): Promise<boolean> {
    const now = clock.now()
    const lastError = summarizeError(error)
    const retryAt = new Date(now.getTime() + retryDelayMs(mail.attempts))
    const isPermanent = error instanceof Error && 'permanent' in error && error.permanent === true
    const givesUp = isPermanent || retryAt.getTime() - mail.created_at.getTime() > GIVE_UP_AFTER_MS
    await db
      .updateTable('outbox_mails')
      // A mail that will never go out keeps no one-time link either.
      .set(givesUp ? { failed_at: now, body_text: null } : { next_attempt_at: retryAt })
      .set({ claimed_until: null, last_error: lastError })
      // Our claim only: if it lapsed and another instance claimed the row, attempts moved on.
      .where('id', '=', mail.id)
      .where('attempts', '=', mail.attempts)
      .where('sent_at', 'is', null)
      .execute()
    if (givesUp) log.error('mail given up', { mailId: mail.id, attempts: mail.attempts, isPermanent, lastError })
    else log.warn('mail not sent, will retry', { mailId: mail.id, attempts: mail.attempts, retryAt: retryAt.toISOString(), lastError })
    return givesUp
  }

  const handled = async () => {
    const round = await runOnce()
    return round.sent + round.retried + round.failed
  }
  return { runOnce, ...roundLoop('mail', log, batchSize, handled) }
}

/**
 * Claims up to `limit` due mails in one statement: the subquery locks the rows it picks and skips
 * rows another instance's claim has locked, and the update stamps the lease and counts the attempt
 * before the statement commits. Uses the partial index on next_attempt_at (unsent rows only).
 */
async function claimDueMails(db: Kysely<Database>, now: Date, limit: number, leaseMs: number): Promise<OutboxMailRow[]> {
  const rows = await db
    .updateTable('outbox_mails')
    .set((eb) => ({ claimed_until: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox_mails')
        .select('id')
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute()
  return rows.sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime())
}

/** Sent: the body goes, since it may hold a one-time link. Recorded even if our claim lapsed. */
async function markSent(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('outbox_mails').set({ sent_at: now, body_text: null, claimed_until: null }).where('id', '=', id).execute()
}

/** One short line for last_error. Senders keep secrets out of their messages (see senders.ts). */
function summarizeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s+/g, ' ').trim().slice(0, LAST_ERROR_MAX_CHARS) || 'unknown error'
}
