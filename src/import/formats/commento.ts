import { ImportFormatError, type ImportedState, type ImportFile, type ImportItem } from '../records.ts'
import { asRecord, readJsonPaths, text } from './json-paths.ts'
import { commentDates, directoryEntry, FirstSight, importedAuthor, skipped } from './source-fields.ts'
import { expectOpening, readDecoded } from './source-text.ts'
import { twoPasses } from './two-passes.ts'

const FORMAT = 'a Commento or Comentario export'

interface Commenter { name?: string; email?: string; url?: string }
interface Page { path: string; title?: string; locked: boolean }

/**
 * Commento's export (`{ version: 1, comments: [...], commenters: [...] }`, also written by early
 * Comentario, which renamed `domain`/`url` to `host`/`path`) and Comentario's own (`version: 3`,
 * adding `pages` and renaming nearly every field). Comentario gzips its exports; both are read.
 *
 * Commenters come after the comments that name them, so the file is read twice: once for the
 * commenters and pages, once to stream the comments. A thread is yielded before its first comment.
 *
 * Version 1 gives each comment its site's domain and the page's path, so threads get absolute
 * URLs (`https://domain/path`). Version 3 knows only the path: such a thread's `url` starts with
 * `/`, and the writer must resolve it against the site's origin.
 */
export async function* importCommento(file: ImportFile): AsyncIterable<ImportItem> {
  const [first, second] = twoPasses(file)
  const { version, commenters, pages } = await readDirectory(first)
  const seen = new FirstSight()
  for await (const { value } of readJsonPaths(readDecoded(second), ['$.comments.*'], FORMAT)) {
    const record = asRecord(value)
    if (version === 3) yield* readCommentV3(record, commenters, pages, seen)
    else yield* readCommentV1(record, commenters, seen)
  }
}

/** First pass: the version (checked before any item), the commenters and, for version 3, the pages. */
async function readDirectory(file: ImportFile) {
  let version: number | undefined
  let type: unknown
  const commenters = new Map<string, Commenter>()
  const pages = new Map<string, Page>()
  const chunks = expectOpening(readDecoded(file), '{', FORMAT)
  for await (const { parent, key, value } of readJsonPaths(chunks, ['$.version', '$.type', '$.commenters.*', '$.pages.*'], FORMAT)) {
    const record = asRecord(value)
    if (parent === '' && key === 'version') version = typeof value === 'number' ? value : Number(value)
    else if (parent === '' && key === 'type') type = value
    else if (parent === 'commenters') {
      // Version 1 names commenters by `commenterHex`, version 3 by `id`.
      const id = text(record?.commenterHex) ?? text(record?.id)
      if (id) directoryEntry(commenters, id, { name: text(record?.name), email: text(record?.email), url: text(record?.link) ?? text(record?.websiteUrl) }, FORMAT)
    } else if (parent === 'pages') {
      const id = text(record?.id)
      const path = text(record?.path)
      if (id && path !== undefined) pages.set(id, { path: rootedPath(path), title: text(record?.title), locked: record?.isReadonly === true })
    }
  }
  // Waline's export also has a version 1, but names itself; Commento's never does.
  if (typeof type === 'string') throw new ImportFormatError(`This is not ${FORMAT}: the file calls itself a "${type}" export.`)
  if (version !== 1 && version !== 3) {
    throw new ImportFormatError(version === undefined
      ? `This is not ${FORMAT}: it has no "version" field, which Commento and Comentario always write.`
      : `This export has version ${version}; only versions 1 (Commento) and 3 (Comentario) are known.`)
  }
  return { version, commenters, pages }
}

function* readCommentV1(record: Record<string, unknown> | undefined, commenters: Map<string, Commenter>, seen: FirstSight): Generator<ImportItem> {
  const id = text(record?.commentHex)
  if (!record || !id) return yield skipped('a comment', 'it has no commentHex')
  const what = `comment ${id}`
  const domain = (text(record.domain) || text(record.host))?.trim()
  const path = text(record.path) || text(record.url)
  if (!path) return yield skipped(what, 'it names no page (its url is empty)')
  const url = /^https?:\/\//i.test(path) ? path : domain ? `https://${domain}${rootedPath(path)}` : rootedPath(path)
  const dates = commentDates(record.creationDate)
  yield* seen.thread(url, url)
  const markdown = text(record.markdown) ?? ''
  const parentHex = text(record.parentHex)
  yield {
    kind: 'comment',
    comment: {
      sourceId: id,
      threadSourceId: url,
      parentSourceId: parentHex && parentHex !== 'root' ? parentHex : null,
      author: authorOf(commenters, text(record.commenterHex)),
      body: markdown ? { markdown } : { html: text(record.html) ?? '' },
      ...dates,
      // Commento marks a deletion both ways, and Comentario reads "[deleted]" as one too.
      state: record.deleted === true || markdown === '[deleted]' ? 'removed' : stateV1(text(record.state)),
    },
  }
}

function* readCommentV3(record: Record<string, unknown> | undefined, commenters: Map<string, Commenter>, pages: Map<string, Page>, seen: FirstSight): Generator<ImportItem> {
  const id = text(record?.id)
  if (!record || !id) return yield skipped('a comment', 'it has no id')
  const what = `comment ${id}`
  const pageId = text(record.pageId)
  const page = pageId ? pages.get(pageId) : undefined
  if (!pageId || !page) return yield skipped(what, `its page ${pageId ?? '(none)'} is not in the export`)
  const dates = commentDates(record.createdTime, record.editedTime)
  yield* seen.thread(pageId, page.path, page.title, page.locked)
  const markdown = text(record.markdown) ?? ''
  const userId = text(record.userCreated)
  const author = userId && commenters.has(userId) ? authorOf(commenters, userId) : importedAuthor(record.authorName)
  let state: ImportedState = 'published'
  if (record.isDeleted === true) state = 'removed'
  else if (record.isPending === true) state = 'pending'
  else if (record.isApproved === false) state = 'hidden' // seen by a moderator and rejected
  yield {
    kind: 'comment',
    comment: {
      sourceId: id,
      threadSourceId: pageId,
      parentSourceId: text(record.parentId) || null,
      author,
      body: markdown ? { markdown } : { html: text(record.html) ?? '' },
      ...dates,
      state,
    },
  }
}

/** Commento's states: `approved`, `unapproved` (awaiting a moderator), `flagged` (caught by its spam filter). */
function stateV1(state: string | undefined): ImportedState {
  if (state === 'unapproved') return 'pending'
  if (state === 'flagged') return 'spam'
  return 'published'
}

/** A commenter missing from the export (or Commento's `anonymous`) is a guest without a name. */
function authorOf(commenters: Map<string, Commenter>, id: string | undefined) {
  const commenter = id ? commenters.get(id) : undefined
  return importedAuthor(commenter?.name, commenter?.email, commenter?.url)
}

function rootedPath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`
}
