import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import { nodePasswordHasher } from './auth/argon2-node.ts'
import { parseConfig } from './config.ts'
import { createDatabase } from './db/database.ts'
import { DataDirLockedError } from './db/data-dir-lock.ts'
import { migrateToLatest } from './db/migrate.ts'
import { systemClock } from './deps.ts'
import { startMaintenance } from './jobs/maintenance.ts'
import { createLiveFeed } from './live/feed.ts'
import { createLog } from './log.ts'
import { createMailWorker } from './mail/mail-worker.ts'
import { createSender } from './mail/senders.ts'
import { createMarkdownRenderer } from './markdown/render.ts'
import { spamCheckFromConfig } from './moderation/spam-check.ts'
import { ensureDemo } from './demo/seed.ts'
import { withPublicFiles } from './public-files.ts'
import { createHttpSender } from './webhooks/http-sender.ts'
import { createWebhookWorker } from './webhooks/webhook-worker.ts'
import { createTempUploads, sweepOrphanedUploads } from './import/temp-uploads.ts'

// Node entry: config → database → migrate → app → serve, and a clean stop on SIGINT/SIGTERM.
const started = performance.now()
const config = parseConfig(process.env)
const log = createLog(config.logLevel)

const database = await createDatabase(config).catch((error: unknown) => {
  if (!(error instanceof DataDirLockedError)) throw error
  console.error(error.message)
  process.exit(1)
})
const applied = await migrateToLatest(database.db)
if (applied.length > 0) log.info('migrated', { applied })
const markdown = createMarkdownRenderer()
if (await ensureDemo(database.db, config, markdown, new Date())) log.info('made the demo site', { url: `${config.publicUrl}/demo` })

const live = createLiveFeed(database.db, database.listen, log)
await live.start()
void sweepOrphanedUploads().then(
  (removed) => removed > 0 && log.info('removed uploads left by a stopped process', { removed }),
  (error: unknown) => log.warn('could not sweep the temporary folder', { error: String(error) }),
)
const app = createApp({ db: database.db, clock: systemClock, config, log, markdown, passwords: nodePasswordHasher, live, spamCheck: spamCheckFromConfig(config, log), imports: createTempUploads() })
// Background work, in every instance: rows claimed so that instances never do a job twice.
const sender = createSender(config, log)
if (!config.smtpUrl && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(config.publicUrl))
  log.warn('SMTP_URL is not set: mails, with their one-time links, go to this log instead of to people')
const mail = createMailWorker({ db: database.db, clock: systemClock, log, sender })
mail.start(5_000)
const webhooks = createWebhookWorker({ db: database.db, clock: systemClock, log, sender: createHttpSender({ allowPrivate: config.webhooksAllowPrivate }) })
webhooks.start(2_000)
const maintenance = startMaintenance(database.db, systemClock, log, config.publicUrl, 60_000)

const server = serve({ fetch: withPublicFiles(app).fetch, port: config.port, hostname: config.host }, (info) => {
  log.info('listening', {
    url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`,
    publicUrl: config.publicUrl,
    database: database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'postgres',
    startupMs: Math.round(performance.now() - started),
  })
})

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  log.info('stopping', { signal })
  // In-flight requests finish; idle keep-alive connections are closed so close() can return.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  await live.close() // ends the event streams, so they do not hold the server open
  if ('closeIdleConnections' in server) server.closeIdleConnections()
  const forced = setTimeout(() => {
    if ('closeAllConnections' in server) server.closeAllConnections()
  }, 10_000)
  await closed
  clearTimeout(forced)
  await Promise.all([mail.stop(), webhooks.stop(), maintenance.stop()])
  sender.close()
  await database.close()
  log.info('stopped')
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
