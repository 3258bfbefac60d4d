import { ImportFormatError, type ImportFile, type ImportItem } from '../records.ts'
import { asRecord, flag, readJsonPaths, text } from './json-paths.ts'
import { commentDates, FirstSight, importedAuthor, skipped } from './source-fields.ts'
import { expectOpening, readDecoded } from './source-text.ts'

const FORMAT = 'an Artalk export (artrans)'

/**
 * Artalk's "artrans" (`artalk export`, or the dashboard's transfer tab): a JSON array of flat
 * records `{ id, rid, content (Markdown), created_at, updated_at, is_pending, is_collapsed, nick,
 * email, link, page_key, page_title, site_name, site_urls, … }`. Artalk writes every field as a
 * string (`"true"`, `"12"`), converters sometimes as numbers and booleans; both are read.
 * Streamed in bounded memory, one record at a time.
 *
 * `page_key` is the page's URL or, by default, its path. A path is resolved against the first
 * http(s) address in the record's `site_urls`; with none, the thread's `url` is the path (starting
 * with `/`) and the writer must resolve it against the site's origin.
 *
 * `is_collapsed` only folds a comment in Artalk's list, still shown to everyone: it stays published.
 */
export async function* importArtalk(file: ImportFile): AsyncIterable<ImportItem> {
  const seen = new FirstSight()
  let first = true
  const chunks = expectOpening(readDecoded(file), '[', FORMAT)
  for await (const { value } of readJsonPaths(chunks, ['$.*'], FORMAT)) {
    const record = asRecord(value)
    if (first && !(record && ('page_key' in record || 'content' in record))) {
      throw new ImportFormatError(`This is not ${FORMAT}: its first record has neither "page_key" nor "content".`)
    }
    first = false
    yield* readRecord(record, seen)
  }
}

function* readRecord(record: Record<string, unknown> | undefined, seen: FirstSight): Generator<ImportItem> {
  const id = text(record?.id)
  if (!record || !id) return yield skipped('a comment', 'it has no id')
  const what = `comment ${id}`
  const pageKey = text(record.page_key)?.trim()
  if (!pageKey) return yield skipped(what, 'it names no page (page_key is empty)')
  const dates = commentDates(record.created_at, record.updated_at)
  const site = text(record.site_name)?.trim()
  // Keys are per site in Artalk: one export may hold several sites with the same paths.
  const threadId = site ? `${site} ${pageKey}` : pageKey
  yield* seen.thread(threadId, pageUrl(pageKey, text(record.site_urls)), text(record.page_title))
  const rid = text(record.rid)
  yield {
    kind: 'comment',
    comment: {
      sourceId: id,
      threadSourceId: threadId,
      parentSourceId: rid && rid !== '0' ? rid : null,
      author: importedAuthor(record.nick, record.email, record.link),
      body: { markdown: text(record.content) ?? '' },
      // Artalk bumps `updated_at` on any change, not only edits; it is no edit date.
      createdAt: dates.createdAt,
      state: flag(record.is_pending) ? 'pending' : 'published',
    },
  }
}

function pageUrl(pageKey: string, siteUrls: string | undefined): string {
  if (/^https?:\/\//i.test(pageKey)) return pageKey
  const path = pageKey.startsWith('/') ? pageKey : `/${pageKey}`
  const base = siteUrls?.split(',').map((url) => url.trim()).find((url) => URL.canParse(url) && /^https?:/i.test(url))
  return base ? new URL(path, base).href : path
}
