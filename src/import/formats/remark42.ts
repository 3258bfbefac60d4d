import { ImportFormatError, type ImportedState, type ImportFile, type ImportItem } from '../records.ts'
import { asRecord, text } from './json-paths.ts'
import { expectOpening, readDecoded, readLines } from './source-text.ts'
import { commentDates, FirstSight, importedAuthor, skipped } from './source-fields.ts'

const FORMAT = 'a Remark42 backup'
/** Remark42 writes one comment per line; none comes near this. */
const MAX_LINE_BYTES = 16 * 1024 ** 2

/**
 * Remark42's backup (`backup-<site>-<date>.gz`, or the same gunzipped): JSON lines. The first
 * line is the site's metadata `{ "version": 1, "users": […], "posts": [{ "url", "read_only" }] }`,
 * each further line one comment `{ id, pid, text (HTML), orig (Markdown), user { name, id, … },
 * locator { site, url }, time, edit?, delete?, title? }`. Read line by line in bounded memory;
 * a line that is not JSON is skipped, so one damaged line does not lose the rest.
 *
 * Remark42 keys threads by the page's absolute URL and keeps no emails in the backup.
 */
export async function* importRemark42(file: ImportFile): AsyncIterable<ImportItem> {
  const lines = readLines(expectOpening(readDecoded(file), '{', FORMAT), MAX_LINE_BYTES, FORMAT)
  const lockedUrls = new Set<string>()
  const seen = new FirstSight()
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') continue
    let record: Record<string, unknown> | undefined
    try {
      record = asRecord(JSON.parse(line))
    } catch {
      if (lineNumber === 1) throw new ImportFormatError(`This is not ${FORMAT}: its first line is not a whole JSON record, and a Remark42 backup has one record per line.`)
      yield skipped(`line ${lineNumber}`, 'it is not valid JSON')
      continue
    }
    if (lineNumber === 1 && !isComment(record)) {
      if (!record || !('version' in record || 'users' in record || 'posts' in record)) {
        throw new ImportFormatError(`This is not ${FORMAT}: its first line is neither Remark42's metadata nor a comment.`)
      }
      for (const post of Array.isArray(record.posts) ? record.posts : []) {
        const url = text(asRecord(post)?.url)
        if (url && asRecord(post)?.read_only === true) lockedUrls.add(url)
      }
      continue
    }
    yield* readComment(record, lineNumber, seen, lockedUrls)
  }
}

function isComment(record: Record<string, unknown> | undefined): boolean {
  return !!record && 'locator' in record && 'id' in record
}

function* readComment(record: Record<string, unknown> | undefined, lineNumber: number, seen: FirstSight, lockedUrls: Set<string>): Generator<ImportItem> {
  const id = text(record?.id)
  const what = id ? `comment ${id}` : `line ${lineNumber}`
  if (!record || !id) return yield skipped(what, 'it is not a comment (no id)')
  const url = text(asRecord(record.locator)?.url)?.trim()
  if (!url) return yield skipped(what, 'it names no page (locator.url is empty)')
  const dates = commentDates(record.time, asRecord(record.edit)?.time)
  yield* seen.thread(url, url, text(record.title), lockedUrls.has(url))
  const user = asRecord(record.user)
  const markdown = text(record.orig)
  const state: ImportedState = record.delete === true ? 'removed' : 'published'
  yield {
    kind: 'comment',
    comment: {
      sourceId: id,
      threadSourceId: url,
      parentSourceId: text(record.pid) || null,
      author: importedAuthor(user?.name),
      // `orig` is what the reader typed; `text` is Remark42's rendering of it, kept when `orig` is gone.
      body: markdown ? { markdown } : { html: text(record.text) ?? '' },
      ...dates,
      state,
    },
  }
}
