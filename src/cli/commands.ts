import { statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createInstanceAdmin } from '../auth/admins.ts'
import { setSiteRole } from '../sites/members.ts'
import type { Config } from '../config.ts'
import { EXPORT_FORMATS, exportSite, isExportFormat } from '../export/export-site.ts'
import { writeOut } from '../export/write-out.ts'
import type { SiteRow } from '../db/schema.ts'
import { systemClock } from '../deps.ts'
import { AppError } from '../http/errors.ts'
import { independentParts } from '../jobs/independent-parts.ts'
import { runMaintenance } from '../jobs/maintenance.ts'
import { createLog } from '../log.ts'
import { createMailWorker } from '../mail/mail-worker.ts'
import { createSender } from '../mail/senders.ts'
import { MAX_COMMENT_LENGTH_LIMIT, PREMODERATION_MODES, SiteSettings } from '../sites/settings.ts'
import { changeOrigins } from '../sites/site-origins.ts'
import { embedSnippet, getSite, listSites } from '../sites/sites.ts'
import { deleteSite, openSite } from '../sites/site-lifecycle.ts'
import { createHttpSender } from '../webhooks/http-sender.ts'
import { createWebhookWorker } from '../webhooks/webhook-worker.ts'
import { applyMove, mergeThreads, planMove, threadKeyByName } from '../threads/move.ts'
import { recordAction } from '../audit/audit-log.ts'
import { IMPORTERS } from '../import/formats.ts'
import type { ImportRequest } from '../import/run-import.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export const USAGE = `Usage: npm run engawa -- <command>

  site create --name NAME --origin URL [--origin URL …]
              [--guests yes|no] [--premoderation off|all|first] [--edit-window SECONDS] [--max-length CHARS]
  site update ID [--name NAME] [--origin URL …] [--confirm]
              --origin (repeated) sets the allowed origins; removing one whose pages have threads needs --confirm
              (their comments stay, shown again if the origin comes back)
  site delete ID --name NAME
              deletes the site and all its comments, once NAME repeats its name; export it first
  site list
  site show ID
  site member ID --email EMAIL --role owner|moderator
  thread move SITE --from URL --to URL [--prefix] [--dry-run]
                    a page's thread (or, with --prefix, every thread under a URL prefix) to a new address
  thread merge SITE --from URL|KEY --into URL|KEY
  export SITE [--format engawa|disqus] [--out FILE]
                    the site's whole comment data: Engawa's JSON (the default) or Disqus XML, to stdout or FILE
  import FORMAT FILE --site ID [--map-origin OLD=NEW …]
              another service's export into a site; FORMAT is one of ${Object.keys(IMPORTERS).join(', ')}.
              --map-origin https://old.example=https://blog.example keeps threads of a blog that moved.
              Importing the same file again adds nothing; see the README's Import section.
  admin create --email EMAIL [--name NAME]
  jobs run          send due mail and webhooks and clear what has expired, once (for Workers deployments: run it from cron)
  migrate

Uses DATABASE_URL when set, else the embedded database in DATA_DIR (default ./data). While the
server runs on that folder, the command is handed to it (the folder is never opened twice).`

function describeSite(site: SiteRow, publicUrl: string): string {
  return [
    `Site ${site.id}: ${site.name}`,
    `  allowed origins: ${site.allowed_origins.join(', ')}`,
    `  guests: ${site.guests_allowed ? 'allowed' : 'not allowed'}; pre-moderation: ${site.premoderation}; edit window: ${site.edit_window_seconds} s; max length: ${site.max_comment_length} characters`,
    `  text-and-data-mining reservation: ${site.reserves_tdm ? 'on' : 'off'}`,
    '',
    'Embed code (paste under the article):',
    embedSnippet(publicUrl, site.id),
  ].join('\n')
}

function parseIntOption(value: string | undefined, name: string, range: { min: number; max: number; unit: string }): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < range.min || n > range.max)
    throw new AppError('invalid_request', `--${name} must be a whole number of ${range.unit} from ${range.min} to ${range.max}.`)
  return n
}

/** An audit entry for what the operator did from here, with no account behind it. */
function operatorAction(db: Kysely<Database>, site: SiteRow, entry: { action: string; targetKind: 'thread' | 'site'; targetId: string; reason: string }, now: Date) {
  return recordAction(db, { siteId: site.id, actorUserId: null, byOperator: true, ...entry }, now)
}

/** Where a command writes, and the folder its file names are relative to (the caller's, also when the server runs it). */
export interface CommandIo {
  out(text: string): Promise<void>
  err(text: string): void
  cwd: string
  /** A progress bar for long imports, where there is a terminal to draw it on. */
  progress?: NodeJS.WriteStream
}

/** Parses the command line; undefined when it asks for the usage. */
export function parseCommand(argv: string[]) {
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      guests: { type: 'string' },
      premoderation: { type: 'string' },
      'edit-window': { type: 'string' },
      'max-length': { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      into: { type: 'string' },
      prefix: { type: 'boolean' },
      site: { type: 'string' },
      'map-origin': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      confirm: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  return parsed.values.help || !parsed.positionals[0] ? undefined : parsed
}

/**
 * Runs one command on an open database: from the CLI's own process, or inside the server that
 * holds the embedded database (local-channel.ts). Throws what it cannot do, in words.
 */
export async function runCommand(argv: string[], ctx: { db: Kysely<Database>; config: Config; io: CommandIo }): Promise<void> {
  const output = await run(argv, ctx)
  if (output !== undefined) await ctx.io.out(`${output}\n`)
}

/** What to print on success; undefined when the command wrote its own output (an export to stdout). */
async function run(argv: string[], { db, config, io }: { db: Kysely<Database>; config: Config; io: CommandIo }): Promise<string | undefined> {
  const parsed = parseCommand(argv)
  if (!parsed) return USAGE
  const { values, positionals } = parsed
  const [group, command, arg] = positionals
  {
    if (group === 'migrate') return 'The database is migrated.'
    if (group === 'site' && command === 'create') {
      const { guests, premoderation } = values
      if (!values.name?.trim()) throw new AppError('invalid_request', '--name is required: the site’s name, as its owners and readers see it.')
      if (!values.origin?.length) throw new AppError('invalid_request', '--origin is required, once per origin the site’s pages are on, such as --origin https://blog.example.')
      if (guests !== undefined && guests !== 'yes' && guests !== 'no') throw new AppError('invalid_request', '--guests must be yes or no.')
      if (premoderation !== undefined && !(PREMODERATION_MODES as readonly string[]).includes(premoderation))
        throw new AppError('invalid_request', `--premoderation must be one of ${PREMODERATION_MODES.join(', ')}.`)
      const site = await openSite({ db, clock: systemClock }, { userId: null, byOperator: true }, {
        name: values.name ?? '',
        origins: values.origin ?? [],
        guestsAllowed: guests === undefined ? undefined : guests === 'yes',
        premoderation: premoderation as (typeof PREMODERATION_MODES)[number] | undefined,
        editWindowSeconds: parseIntOption(values['edit-window'], 'edit-window', { min: 0, max: 31_536_000, unit: 'seconds' }),
        maxCommentLength: parseIntOption(values['max-length'], 'max-length', { min: 1, max: MAX_COMMENT_LENGTH_LIMIT, unit: 'characters' }),
      })
      return `Created.\n${describeSite(site, config.publicUrl)}`
    }
    if (group === 'site' && command === 'update' && arg) {
      let site = await getSite(db, arg)
      if (values.origin) site = await changeOrigins({ db, clock: systemClock }, site, { userId: null, byOperator: true }, { origins: values.origin, confirm: values.confirm })
      if (values.name !== undefined && values.name !== site.name) {
        const name = SiteSettings.shape.name.safeParse(values.name)
        if (!name.success) throw new AppError('invalid_request', `--name ${name.error.issues[0]?.message ?? 'is not a name'}.`)
        const now = systemClock.now()
        site = await db.transaction().execute(async (trx) => {
          const row = await trx.updateTable('sites').set({ name: name.data, updated_at: now }).where('id', '=', site.id).returningAll().executeTakeFirstOrThrow()
          await operatorAction(trx, site, { action: 'settings', targetKind: 'site', targetId: site.id, reason: 'Changed name' }, now)
          return row
        })
      }
      return `Updated.\n${describeSite(site, config.publicUrl)}`
    }
    if (group === 'site' && command === 'delete' && arg) {
      const site = await getSite(db, arg)
      const { threads, comments } = await deleteSite({ db, clock: systemClock }, site, { userId: null, byOperator: true }, values.name)
      return `Deleted ${site.name} (${site.id}): ${threads} thread(s), ${comments} comment(s).`
    }
    if (group === 'site' && command === 'list') {
      const sites = await listSites(db)
      if (sites.length === 0) return 'No sites yet. Create one with: npm run engawa -- site create --name NAME --origin URL'
      return sites.map((s) => `${s.id}  ${s.name}  (${s.allowed_origins.join(', ')})`).join('\n')
    }
    if (group === 'site' && command === 'show' && arg) return describeSite(await getSite(db, arg), config.publicUrl)
    if (group === 'site' && command === 'member' && arg) {
      const role = values.role
      if (role !== 'owner' && role !== 'moderator') throw new AppError('invalid_request', '--role must be owner or moderator.')
      const site = await getSite(db, arg)
      const user = await setSiteRole(db, site.id, values.email ?? '', role)
      return `${user.email} is now ${role} of ${site.name} (${site.id}).`
    }
    if (group === 'thread' && command === 'move' && arg) {
      const site = await getSite(db, arg)
      const moves = await planMove(db, site, { from: values.from ?? '', to: values.to ?? '', prefix: values.prefix ?? false })
      const list = moves.map((m) => `  ${m.url} → ${m.newUrl}${m.conflict ? '  (a thread is already there: merge instead)' : ''}`)
      if (values['dry-run'] || moves.length === 0) return [`${moves.length} thread(s) would move:`, ...list].join('\n')
      const now = new Date()
      await applyMove({ db }, site, moves, now, (trx) =>
        operatorAction(trx, site, { action: 'move', targetKind: 'thread', targetId: values.from ?? '', reason: `to ${values.to}: ${moves.length} thread(s)` }, now),
      )
      return [`Moved ${moves.length} thread(s):`, ...list].join('\n')
    }
    if (group === 'thread' && command === 'merge' && arg) {
      const site = await getSite(db, arg)
      const [from, into] = [threadKeyByName(site, values.from ?? ''), threadKeyByName(site, values.into ?? '')]
      const now = new Date()
      const { moved } = await mergeThreads({ db }, site, from, into, now, (trx) =>
        operatorAction(trx, site, { action: 'merge', targetKind: 'thread', targetId: into, reason: `merged ${from}` }, now),
      )
      return `Merged: ${moved} comment(s) moved.`
    }
    if (group === 'export' && command) {
      const format = values.format ?? 'engawa'
      if (!isExportFormat(format)) throw new AppError('invalid_request', `--format must be one of ${EXPORT_FORMATS.join(', ')}.`)
      const site = await getSite(db, command)
      const now = new Date()
      // As over HTTP, every export leaves a line in the audit log: it holds the guests' addresses.
      await operatorAction(db, site, { action: 'export', targetKind: 'site', targetId: site.id, reason: format }, now)
      const out = exportSite(db, site, { format, publicUrl: config.publicUrl, now })
      await writeOut(out.chunks, values.out === undefined ? undefined : resolve(io.cwd, values.out), io.out)
      const summary = `Exported ${out.tally.threads} thread(s) and ${out.tally.comments} comment(s) of ${site.name} (${site.id})`
      if (values.out !== undefined) return `${summary} to ${values.out}.`
      io.err(`${summary}.\n`)
      return undefined
    }
    if (group === 'import' && !(command && arg))
      throw new AppError('invalid_request', `import needs a format and a file: npm run engawa -- import FORMAT FILE --site ID, where FORMAT is one of ${Object.keys(IMPORTERS).join(', ')}.`)
    if (group === 'import' && command && arg) return await importFile(db, { format: command, path: resolve(io.cwd, arg), siteId: values.site, origins: values['map-origin'] ?? [] }, io.progress)
    if (group === 'jobs' && command === 'run') {
      const log = createLog(config.logLevel)
      const sender = createSender(config, log)
      try {
        const parts = independentParts()
        const mail = await parts.run('mail', () => createMailWorker({ db, clock: systemClock, log, sender, batchSize: 100 }).runOnce(), { sent: 0, retried: 0, failed: 0 })
        const webhooks = createWebhookWorker({ db, clock: systemClock, log, sender: createHttpSender({ allowPrivate: config.webhooksAllowPrivate }), batchSize: 100 })
        const hooks = await parts.run('webhooks', () => webhooks.runOnce(), { delivered: 0, retrying: 0, failed: 0 })
        const maintenance = await parts.run('maintenance', () => runMaintenance(db, new Date(), config.publicUrl), undefined)
        const { failed: stepsFailed, ...cleared } = maintenance ?? {}
        parts.include('maintenance', stepsFailed)
        const summary = `Mail: ${mail.sent} sent, ${mail.retried} to retry, ${mail.failed} given up. Webhooks: ${hooks.delivered} delivered, ${hooks.retrying} to retry, ${hooks.failed} given up. Cleared: ${JSON.stringify(cleared)}.`
        const failures = Object.entries(parts.failed).map(([part, error]) => `${part} (${error})`)
        // Exits 1, so a cron that runs this hears of it.
        if (failures.length > 0) throw new AppError('internal_error', `${summary} Failed: ${failures.join('; ')}.`)
        return summary
      } finally {
        sender.close()
      }
    }
    if (group === 'admin' && command === 'create') {
      const { user, passwordToken } = await createInstanceAdmin(db, { email: values.email ?? '', name: values.name }, new Date())
      return [
        `${user.email} is an instance admin.`,
        'Choose the password within an hour, at:',
        `${config.publicUrl}/auth/confirm#reset=${passwordToken}`,
      ].join('\n')
    }
    throw new AppError('invalid_request', `Unknown command "${positionals.join(' ')}".\n\n${USAGE}`)
  }
}

/** `import FORMAT FILE --site ID`: progress on stderr, the summary on stdout. */
async function importFile(db: Kysely<Database>, input: { format: string; path: string; siteId: string | undefined; origins: string[] }, progress: NodeJS.WriteStream | undefined): Promise<string> {
  const importer = IMPORTERS[input.format]
  if (!importer) throw new AppError('invalid_request', `Unknown format "${input.format}"; use one of ${Object.keys(IMPORTERS).join(', ')}.`)
  if (!input.siteId) throw new AppError('invalid_request', 'Name the site to import into with --site ID.')
  // Loaded here, not at the top: the writer, the renderer and the progress bar cost every other command half a second.
  const [{ parseOriginMap }, { createProgressDisplay, formatSummary }, { createImportRun, runImport }, { createMarkdownRenderer }] = await Promise.all([
    import('../import/imported-page.ts'),
    import('../import/progress-display.ts'),
    import('../import/run-import.ts'),
    import('../markdown/render.ts'),
  ])
  const site = await getSite(db, input.siteId)
  let size: number
  try {
    size = statSync(input.path).size
  } catch {
    throw new AppError('invalid_request', `There is no file at ${input.path}.`)
  }
  const display = progress ? createProgressDisplay(progress) : undefined
  const request: ImportRequest = {
    site,
    format: input.format,
    importer,
    file: { path: input.path, size, name: basename(input.path) },
    origins: parseOriginMap(input.origins),
    actorUserId: null,
    linkAccounts: true,
    onProgress: (p) => display?.update(p),
  }
  const id = await createImportRun(db, request, new Date())
  try {
    const summary = await runImport({ db, clock: systemClock, markdown: createMarkdownRenderer() }, id, request)
    return `Imported ${basename(input.path)} into ${site.name} (${site.id}).\n${formatSummary(summary)}`
  } finally {
    display?.stop()
  }
}

