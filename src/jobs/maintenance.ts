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
import { independentParts } from './independent-parts.ts'

/**
 * Clears what has expired (sessions, emailed-link tokens, sign-in attempts, rate-limit windows,
 * unconfirmed notification addresses, imports whose process died, posts' idempotency keys, the
 * install check's old counts, inbox items past 90 days), tells moderators what entered their
 * queues and readers what is new where they follow. Each step runs whatever became of those
 * before it (independent-parts.ts): one that fails is named in `failed` with its error, its count
 * null, so a step that keeps failing never stops the mail or the clearing of the others.
 */
export async function runMaintenance(db: Kysely<Database>, now: Date, publicUrl: string) {
  return runEach({
    queueMails: () => mailQueueNews(db, publicUrl, now),
    notificationMails: () => mailNotificationDigests(db, publicUrl, now),
    sessions: () => deleteExpiredSessions(db, now),
    emailTokens: () => deleteExpiredEmailTokens(db, now),
    oauthAttempts: () => deleteExpiredAttempts(db, now),
    rateLimits: () => deleteExpiredLimits(db, now),
    ssoNonces: () => deleteExpiredNonces(db, now),
    notificationRecipients: () => deleteStaleRecipients(db, now),
    abandonedImports: () => endAbandonedRuns(db, now),
    idempotencyKeys: () => deleteExpiredIdempotencyKeys(db, now),
    widgetLoads: () => deleteOldWidgetLoads(db, now),
    inboxItems: () => deleteOldInboxItems(db, now),
  })
}

async function runEach<Steps extends Record<string, () => Promise<number>>>(steps: Steps) {
  const parts = independentParts()
  const counts = {} as { [Step in keyof Steps]: number | null }
  for (const step of Object.keys(steps) as Array<keyof Steps & string>) counts[step] = await parts.run(step, steps[step]!, null)
  return { ...counts, failed: parts.failed as Partial<Record<keyof Steps, string>> }
}

/** Runs maintenance now and then every `intervalMs`, off the request path; never throws. */
export function startMaintenance(db: Kysely<Database>, clock: Clock, log: Log, publicUrl: string, intervalMs: number) {
  let running: Promise<void> = Promise.resolve()
  const round = () => {
    running = runMaintenance(db, clock.now(), publicUrl)
      .then(({ failed, ...cleared }) => {
        log.debug('maintenance', cleared)
        if (Object.keys(failed).length > 0) log.error('maintenance steps failed', { failed })
      })
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
