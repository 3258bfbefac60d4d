import { deleteOldWidgetLoads } from '../sites/install-check.ts'
import type { Kysely } from 'kysely'
import { deleteExpiredEmailTokens } from '../auth/email-tokens.ts'
import { deleteExpiredAttempts } from '../auth/oauth/attempts.ts'
import { deleteExpiredSessions } from '../auth/sessions.ts'
import { deleteExpiredNonces } from '../auth/sso/exchange.ts'
import type { Database } from '../db/schema.ts'
import type { Clock } from '../deps.ts'
import { deleteExpiredLimits } from '../http/rate-limit.ts'
import type { Log } from '../log.ts'
import { mailQueueNews } from '../moderation/queue-mail.ts'
import { mailNotificationDigests } from '../notifications/digest.ts'
import { deleteStaleRecipients } from '../notifications/recipients.ts'
import { deleteOldInboxItems } from '../notifications/inbox.ts'
import { endAbandonedRuns } from '../import/abandoned-runs.ts'
import { deleteExpiredIdempotencyKeys } from '../comments/idempotency.ts'

/**
 * Clears what has expired (sessions, emailed-link tokens, sign-in attempts, rate-limit windows,
 * unconfirmed notification addresses, imports whose process died, posts' idempotency keys, the install check's old counts, inbox items past 90 days), tells moderators what
 * entered their queues and readers what is new where they follow.
 */
export async function runMaintenance(db: Kysely<Database>, now: Date, publicUrl: string) {
  return {
    queueMails: await mailQueueNews(db, publicUrl, now),
    notificationMails: await mailNotificationDigests(db, publicUrl, now),
    sessions: await deleteExpiredSessions(db, now),
    emailTokens: await deleteExpiredEmailTokens(db, now),
    oauthAttempts: await deleteExpiredAttempts(db, now),
    rateLimits: await deleteExpiredLimits(db, now),
    ssoNonces: await deleteExpiredNonces(db, now),
    notificationRecipients: await deleteStaleRecipients(db, now),
    abandonedImports: await endAbandonedRuns(db, now),
    idempotencyKeys: await deleteExpiredIdempotencyKeys(db, now),
    widgetLoads: await deleteOldWidgetLoads(db, now),
    inboxItems: await deleteOldInboxItems(db, now),
  }
}

/** Runs maintenance now and then every `intervalMs`, off the request path; never throws. */
export function startMaintenance(db: Kysely<Database>, clock: Clock, log: Log, publicUrl: string, intervalMs: number) {
  let running: Promise<void> = Promise.resolve()
  const round = () => {
    running = runMaintenance(db, clock.now(), publicUrl)
      .then((cleared) => log.debug('maintenance', cleared))
      .catch((error: unknown) => log.error('maintenance failed', { error: String(error) }))
  }
  round()
  const timer = setInterval(round, intervalMs)
  timer.unref?.()
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}
