import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { JSONParser, type ParsedElementInfo } from '@streamparser/json-node'
import { z } from 'zod'
import { readChunks } from '../import-file.ts'
import { ImportFormatError, type ImportedState, type ImportFile, type ImportItem } from '../records.ts'

// Engawa's own export format v1 (src/export/engawa-export-v1.schema.json). The header (format,
// version) comes first and threads before comments, so the file is checked before anything is
// yielded and read one record at a time: memory stays flat whatever the size of the file.
//
// Threads and comments only. Votes, reactions (1.1 counts, 1.2 accounts' reactions) and bios
// (1.2) are not restored: the file names accounts by ids that mean nothing outside the exporting
// site and never by their addresses, the only thing an import links an account by; a guest's
// reactions are counts with no reader behind them; and a file a site owner uploads must not put
// reactions or words under someone's account. Imported comments thus have no reaction counts,
// which must equal their reaction rows (comments/react.ts).

const FORMAT = 'engawa-export'
const MAJOR = 1

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s))

const Thread = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  url: z.string().min(1),
  title: z.string(),
  createdAt: date,
  lockedAt: date.nullable(),
  pinnedCommentId: z.string().min(1).nullable().optional(),
})

const Comment = z.object({
  id: z.string().min(1),
  threadId: z.string().min(1),
  parentId: z.string().min(1).nullable(),
  author: z.object({ name: z.string(), email: z.string().optional() }),
  body: z.object({ markdown: z.string() }),
  status: z.enum(['published', 'pending', 'hidden', 'deleted', 'spam', 'shadowed']),
  moderationReason: z.string().nullable(),
  reasonPublic: z.boolean().optional(),
  createdAt: date,
  editedAt: date.nullable(),
})

/**
 * Engawa's statuses as import states. `shadowed` (only its shadow-banned author saw it) has no
 * import state and the ban does not travel: it comes in as spam, out of readers' sight as before.
 */
const STATES: Record<z.infer<typeof Comment>['status'], ImportedState> = {
  published: 'published',
  pending: 'pending',
  hidden: 'hidden',
  deleted: 'removed',
  spam: 'spam',
  shadowed: 'spam',
}

function problem(error: z.ZodError): string {
  const issue = error.issues[0]
  return issue ? `${issue.path.join('.') || 'the record'}: ${issue.message}` : 'not a valid record'
}

/** Where a parsed value sits: `format` or `version` at the top, or a record of `threads` or `comments`. */
function placeOf(info: ParsedElementInfo): string | undefined {
  const top = info.stack.length === 1 ? info.key : info.stack[1]?.key
  return typeof top === 'string' ? top : undefined
}

function checkHeader(header: { format?: unknown; version?: unknown }): void {
  if (header.format !== FORMAT)
    throw new ImportFormatError('This is not an Engawa export: it does not begin with "format": "engawa-export". Pick the format the file came from.')
  const major = typeof header.version === 'string' ? /^(\d+)\.\d+$/.exec(header.version)?.[1] : undefined
  if (major === undefined) throw new ImportFormatError('This Engawa export has no valid "version" (such as "1.0") after its "format".')
  if (Number(major) !== MAJOR)
    throw new ImportFormatError(`This Engawa export is format version ${String(header.version)}; this Engawa reads version ${MAJOR}.x. Import it with a newer Engawa.`)
}

/** The records of an Engawa export, as import items, in file order. */
export async function* importEngawa(file: ImportFile): AsyncIterable<ImportItem> {
  const parser = new JSONParser({ paths: ['$.format', '$.version', '$.threads.*', '$.comments.*'], keepStack: false })
  const source = Readable.from(readChunks(file))
  // Errors reach us through the parser we iterate; the pipeline's own promise would only repeat them.
  pipeline(source, parser).catch(() => undefined)
  const header: { format?: unknown; version?: unknown } = {}
  let checked = false
  try {
    for await (const info of parser as AsyncIterable<ParsedElementInfo>) {
      const place = placeOf(info)
      if (place === 'format' || place === 'version') {
        header[place] = info.value
        if (place === 'format' && info.value !== FORMAT) checkHeader(header)
        continue
      }
      if (!checked) {
        checkHeader(header)
        checked = true
      }
      const index = typeof info.key === 'number' ? info.key : 0
      if (place === 'threads') {
        const thread = Thread.safeParse(info.value)
        if (!thread.success) {
          yield { kind: 'skipped', what: `thread ${index + 1}`, reason: problem(thread.error) }
          continue
        }
        const t = thread.data
        yield {
          kind: 'thread',
          thread: {
            sourceId: t.id,
            url: t.url,
            key: t.key,
            title: t.title,
            createdAt: t.createdAt,
            locked: t.lockedAt !== null,
            ...(t.lockedAt ? { lockedAt: t.lockedAt } : {}),
            ...(t.pinnedCommentId ? { pinnedSourceId: t.pinnedCommentId } : {}),
          },
        }
      } else if (place === 'comments') {
        const comment = Comment.safeParse(info.value)
        if (!comment.success) {
          yield { kind: 'skipped', what: `comment ${index + 1}`, reason: problem(comment.error) }
          continue
        }
        const c = comment.data
        yield {
          kind: 'comment',
          comment: {
            sourceId: c.id,
            threadSourceId: c.threadId,
            parentSourceId: c.parentId,
            author: { name: c.author.name, ...(c.author.email ? { email: c.author.email } : {}) },
            body: { markdown: c.body.markdown },
            createdAt: c.createdAt,
            ...(c.editedAt ? { editedAt: c.editedAt } : {}),
            state: STATES[c.status],
            ...(c.moderationReason ? { moderationReason: c.moderationReason } : {}),
            ...(c.reasonPublic ? { reasonPublic: true } : {}),
          },
        }
      }
    }
  } catch (error) {
    if (error instanceof ImportFormatError) throw error
    // A file system error has a code; anything else is the parser refusing the text.
    if (error instanceof Error && !('code' in error)) throw new ImportFormatError(`This file is not valid JSON: ${error.message}`)
    throw error
  } finally {
    source.destroy()
  }
  if (!checked) checkHeader(header)
}
