import { createApp } from './app.ts'
import { mapBundleStackTraces } from './bundle-stack-traces.ts'
import { nodePasswordHasher } from './auth/argon2-node.ts'
import { ConfigError, parseConfig, type Config } from './config.ts'
import { createDatabase } from './db/database.ts'
import { DataDirError } from './db/data-dir-lock.ts'
import { migrateToLatest } from './db/migrate.ts'
import { withStartupLock } from './db/startup-lock.ts'
import { explainDatabaseError } from './db/startup-errors.ts'
import { systemClock } from './deps.ts'
import { demoWhenAsked } from './demo/demo-when-asked.ts'
import { ensureDemo } from './demo/seed.ts'
import { listenFirst, PortError } from './http/node-listener.ts'
import { createTempUploads, sweepOrphanedUploads } from './import/temp-uploads.ts'
import { startMaintenance } from './jobs/maintenance.ts'
import { createLiveFeed } from './live/feed.ts'
import { captureConsole, createLog, type Log } from './log.ts'
import { createMailWorker } from './mail/mail-worker.ts'
import { createSender } from './mail/senders.ts'
import { createMarkdownRenderer } from './markdown/render.ts'
import { spamCheckFromConfig } from './authors/spam-check.ts'
import { openSetup } from './setup/setup-secrets.ts'
import { createWidgetLoads } from './sites/install-check.ts'
import { serveLocalCommands } from './cli/local-channel.ts'
import { explainCommandError } from './cli/explain-error.ts'
import { withPublicFiles } from './public-files.ts'
import { createHttpSender } from './webhooks/http-sender.ts'
import { createWebhookWorker } from './webhooks/webhook-worker.ts'

// Node entry: config → port → database → migrate → app → serve, and a clean stop on SIGINT/SIGTERM.
// Whatever stops the start is said in one line on stderr, with a non-zero exit.
async function start(given: Config, log: Log) {
  const started = performance.now()
  const listener = await listenFirst(given.port, given.host, log)
  // Without PUBLIC_URL, links and the embed snippet name the address actually listened on (PORT=0 picks one).
  const config = given.publicUrlGiven ? given : { ...given, publicUrl: listener.url }
  const database = await createDatabase(config, {
    // A restart or failover ends every pooled connection; the pool makes new ones on demand.
    onConnectionError: (error) => log.warn('database connection lost', { error: error.message }),
    slow: { limitMs: config.databaseSlowMs, onSlow: (name, ms, sql) => log.warn('slow query', { database: name, ms, sql: sql.replace(/\s+/g, ' ').slice(0, 200) }) },
    replicaEvents: {
      onDown: (name, error) => log.warn('replica unreachable: its reads go to the others or the primary', { database: name, error: error.message }),
      onBack: (name) => log.info('replica answers again', { database: name }),
      onLag: (name, behindMs, lagging) =>
        lagging
          ? log.warn('replica behind: its reads go to the others or the primary until it catches up', { database: name, behindMs })
          : log.info('replica caught up', { database: name }),
    },
  })
  const markdown = createMarkdownRenderer()
  const setupSecret = await withStartupLock(database, async (db) => {
    const applied = await migrateToLatest(db)
    if (applied.length > 0) log.info('migrated', { applied })
    return openSetup(db, new Date())
  })

  const live = createLiveFeed(database.db, database.listen, log)
  await live.start()
  void sweepOrphanedUploads().then(
    (removed) => removed > 0 && log.info('removed uploads left by a stopped process', { removed }),
    (error: unknown) => log.warn('could not sweep the temporary folder', { error: String(error) }),
  )
  // The install check's counts, written every 5 s: an owner sees a new embed work at once.
  const loads = createWidgetLoads({ db: database.db, clock: systemClock, onError: (error) => log.warn('could not write the widget load counts', { error: String(error) }) })
  const loadsTimer = setInterval(() => void loads.flush(), 5_000)
  // On an empty database, the demo (under the startup lock, so of several instances started at
  // once one makes it). Begun by the first answer or 2 s after listening, so the owner's first
  // page never waits behind it; /demo waits for it.
  const demo = demoWhenAsked(() =>
    withStartupLock(database, (db) => ensureDemo(db, config, markdown, new Date())).then(
      (seeded) => void (seeded && log.info('made the demo site', { url: `${config.publicUrl}/demo` })),
      (error: unknown) => log.warn('could not make the demo site', { error: String(error) }),
    ),
  )
  const app = createApp({ db: database.db, readDb: database.readDb, databaseChecks: database.checks, clock: systemClock, config, log, markdown, passwords: nodePasswordHasher, live, spamCheck: spamCheckFromConfig(config, log), loads, demo }, { uploads: createTempUploads() })
  // Background work, in every instance: rows claimed so that instances never do a job twice.
  const sender = createSender(config, log)
  if (!config.smtpUrl && !config.mailApi && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(config.publicUrl))
    log.warn('Neither SMTP_URL nor MAIL_API_KEY is set: mails, with their one-time links, go to this log instead of to people')
  const mail = createMailWorker({ db: database.db, clock: systemClock, log, sender })
  mail.start(5_000)
  const webhooks = createWebhookWorker({ db: database.db, clock: systemClock, log, sender: createHttpSender({ allowPrivate: config.webhooksAllowPrivate }) })
  webhooks.start(2_000)
  const maintenance = startMaintenance(database.db, systemClock, log, config.publicUrl, 60_000)

  // On the embedded database, the CLI hands its commands to this process, which holds the folder.
  const closeCommands =
    database.kind === 'pglite'
      ? await serveLocalCommands(config.dataDir, async (argv, io) => {
          log.info('command from the CLI', { command: argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ') })
          try {
            const { runCommand } = await import('./cli/commands.ts')
            await runCommand(argv, { db: database.db, config, io })
            return 0
          } catch (error) {
            const line = explainCommandError(error, undefined)
            if (!line) log.error('command failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
            io.err(`${line ?? 'The command failed; the server log says why.'}\n`)
            return 1
          }
        })
      : undefined
  const root = withPublicFiles(app)
  listener.serve(async (request, env) => {
    try {
      return await root.fetch(request, env)
    } finally {
      void demo.ready()
    }
  })
  const demoTimer = setTimeout(() => void demo.ready(), 2_000)
  log.info('listening', {
    url: listener.url,
    publicUrl: config.publicUrl,
    database: database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'postgres',
    ...(config.databaseReadUrls.length > 0 ? { replicas: config.databaseReadUrls.length } : {}),
    startupMs: Math.round(performance.now() - started),
  })
  // Said right after, so it is the line a new owner sees: the way in without a terminal.
  if (setupSecret) log.info('setup is waiting: open this link to make the first admin', { url: `${config.publicUrl}/setup#${setupSecret}` })
  let stopping = false
  async function stop(signal: string) {
    if (stopping) return
    stopping = true
    log.info('stopping', { signal })
    const { server } = listener
    // In-flight requests finish; idle keep-alive connections are closed so close() can return.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await live.close() // ends the event streams, so they do not hold the server open
    server.closeIdleConnections()
    const forced = setTimeout(() => server.closeAllConnections(), 10_000)
    await closed
    clearTimeout(forced)
    clearInterval(loadsTimer)
    clearTimeout(demoTimer)
    await demo.begun()
    await Promise.all([mail.stop(), webhooks.stop(), maintenance.stop(), loads.flush(), closeCommands?.()])
    sender.close()
    await database.close()
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

/** The line to print for what stopped the start; undefined for a bug, printed with its stack. */
function explain(error: unknown, config: Config | undefined): string | undefined {
  if (error instanceof ConfigError || error instanceof DataDirError || error instanceof PortError) return error.message
  return explainDatabaseError(error, config?.databaseUrl)
}

// Every line on stderr is one JSON object: the log's, the libraries' (through console), and the
// process's own last words.
const writeLine = (line: string) => void process.stderr.write(`${line}\n`)
// Run as the bundle (npm start), traces name src/ files, read from the map beside it when needed.
if (import.meta.url.endsWith('/dist/server.js')) mapBundleStackTraces(import.meta.url)
let log = createLog('info', writeLine)
let config: Config | undefined
try {
  config = parseConfig(process.env)
  log = createLog(config.logLevel, writeLine)
  captureConsole(log)
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }))
  process.on('uncaughtException', (error) => {
    // The process may be in a state nobody planned for: say so, and let the supervisor start a fresh one.
    log.error('uncaught exception; stopping', { error: error.stack ?? error.message })
    process.exit(1)
  })
  await start(config, log)
} catch (error) {
  const line = explain(error, config)
  // Said even at LOG_LEVEL=silent: it is why the process exits.
  writeLine(JSON.stringify({ time: new Date().toISOString(), level: 'error', message: line ? `Engawa could not start. ${line}` : 'Engawa could not start.', ...(line ? {} : { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }) }))
  process.exit(1)
}
