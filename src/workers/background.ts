import type { Deps } from '../deps.ts'
import { independentParts } from '../jobs/independent-parts.ts'
import { runMaintenance } from '../jobs/maintenance.ts'
import { httpApiSender } from '../mail/http-api-sender.ts'
import { createMailWorker } from '../mail/mail-worker.ts'
import { createFetchSender } from '../webhooks/fetch-sender.ts'
import { createWebhookWorker } from '../webhooks/webhook-worker.ts'

const BATCH = 10
/** A cron invocation's share of work: well inside Workers' limits, the rest waits for the next minute. */
const BUDGET_MS = 20_000
const NOTHING_MAILED = { sent: 0, retried: 0, failed: 0 }

/**
 * What the Node process does in the background, done from the Cron Trigger each minute:
 * maintenance (which also queues the digests), webhooks over fetch, and mail through the HTTP
 * mail API when one is set (SMTP cannot run on Workers; without an API, mail waits in the
 * outbox for a Node instance or `engawa jobs run`). Each runs whatever became of the others, as
 * on Node, where each has a loop of its own: what failed is named in `failed`.
 */
export async function runScheduledWork({ db, clock, log, config }: Pick<Deps, 'db' | 'clock' | 'log' | 'config'>) {
  const started = Date.now()
  const parts = independentParts()
  const maintenance = await parts.run('maintenance', () => runMaintenance(db, clock.now(), config.publicUrl), undefined)
  const webhooks = createWebhookWorker({ db, clock, log, sender: createFetchSender({ allowPrivate: config.webhooksAllowPrivate }), batchSize: BATCH })
  const mail = config.mailApi && createMailWorker({ db, clock, log, sender: httpApiSender(config.mailApi, config.mailFrom), batchSize: BATCH })
  const done = { delivered: 0, mailed: 0 }
  for (let full = true; full && Date.now() - started < BUDGET_MS; ) {
    const hooks = await parts.run('webhooks', () => webhooks.runOnce(), { delivered: 0, retrying: 0, failed: 0 })
    const mails = mail ? await parts.run('mail', () => mail.runOnce(), NOTHING_MAILED) : NOTHING_MAILED
    done.delivered += hooks.delivered
    done.mailed += mails.sent
    full = hooks.delivered + hooks.retrying + hooks.failed === BATCH || mails.sent + mails.retried + mails.failed === BATCH
  }
  parts.include('maintenance', maintenance?.failed)
  return { maintenance, ...done, mailWaits: !mail, failed: parts.failed }
}
