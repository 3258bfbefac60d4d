import { ImportFormatError, type ImportedState, type ImportFile, type ImportItem } from '../records.ts'
import { asRecord, readJsonPaths, text } from './json-paths.ts'
import { commentDates, directoryEntry, FirstSight, importedAuthor, parseSourceDate, skipped } from './source-fields.ts'
import { expectOpening, readDecoded } from './source-text.ts'
import { twoPasses } from './two-passes.ts'

const FORMAT = 'a Waline export'

interface User { name?: string; email?: string; url?: string }

/**
 * Waline's export from its admin page: `{ "type": "waline", "version": 1, "tables": [...],
 * "data": { "Comment": [...], "Counter": [...], "Users": [...] } }`. A comment is `{ objectId,
 * comment (Markdown), nick, mail, link, url (the page's path), pid (the comment replied to),
 * rid (its thread's top comment), status, insertedAt, user_id, … }`; a comment by a signed-in
 * user shows that user's name, mail and link, as Waline itself does. Users follow the comments,
 * so the file is read twice: once for the users, once to stream the comments.
 *
 * Waline keys pages by path (`/posts/hello.html`) and keeps no titles: threads are yielded
 * with that path as `url`, and the writer must resolve it against the site's origin.
 */
export async function* importWaline(file: ImportFile): AsyncIterable<ImportItem> {
  const [first, second] = twoPasses(file)
  const users = await readUsers(first)
  const seen = new FirstSight()
  for await (const { value } of readJsonPaths(readDecoded(second), ['$.data.Comment.*'], FORMAT)) {
    yield* readComment(asRecord(value), users, seen)
  }
}

async function readUsers(file: ImportFile): Promise<Map<string, User>> {
  let type: unknown
  const users = new Map<string, User>()
  const chunks = expectOpening(readDecoded(file), '{', FORMAT)
  for await (const { parent, key, value } of readJsonPaths(chunks, ['$.type', '$.data.Users.*'], FORMAT)) {
    if (parent === '' && key === 'type') type = value
    const user = parent === 'data.Users' ? asRecord(value) : undefined
    // SQL storages name the key `id`; LeanCloud and the export name it `objectId`.
    const id = text(user?.objectId) ?? text(user?.id)
    if (id) directoryEntry(users, id, { name: text(user?.display_name), email: text(user?.email), url: text(user?.url) }, FORMAT)
  }
  if (type !== 'waline') {
    throw new ImportFormatError(`This is not ${FORMAT}: it lacks the "type": "waline" field that Waline's admin export writes.`)
  }
  return users
}

function* readComment(record: Record<string, unknown> | undefined, users: Map<string, User>, seen: FirstSight): Generator<ImportItem> {
  const id = text(record?.objectId) ?? text(record?.id)
  if (!record || !id) return yield skipped('a comment', 'it has no objectId')
  const what = `comment ${id}`
  const url = text(record.url)?.trim()
  if (!url) return yield skipped(what, 'it names no page (its url is empty)')
  // `insertedAt` is when it was posted; `updatedAt` moves with every like and status change, so it is
  // no edit date, only the last resort for a comment whose other dates are broken.
  const posted = [record.insertedAt, record.createdAt, record.updatedAt].find((date) => parseSourceDate(date))
  const dates = commentDates(posted ?? record.insertedAt)
  yield* seen.thread(url, url)
  const userId = text(record.user_id)
  const user = userId ? users.get(userId) : undefined
  // `pid` is the comment replied to; `rid` only the top of its branch, a fallback for old records without `pid`.
  const parent = text(record.pid) || text(record.rid)
  yield {
    kind: 'comment',
    comment: {
      sourceId: id,
      threadSourceId: url,
      parentSourceId: parent || null,
      author: user ? importedAuthor(user.name, user.email, user.url) : importedAuthor(record.nick, record.mail, record.link),
      body: { markdown: text(record.comment) ?? '' },
      ...dates,
      state: stateOf(text(record.status)),
    },
  }
}

/** Waline shows every comment whose status is neither `waiting` nor `spam`. */
function stateOf(status: string | undefined): ImportedState {
  if (status === 'waiting') return 'pending'
  if (status === 'spam') return 'spam'
  return 'published'
}
