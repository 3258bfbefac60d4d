import initSqlJs, { type Database } from 'sql.js'
import { readChunks } from '../import-file.ts'
import { ImportFormatError, type ImportedState, type ImportFile, type ImportItem } from '../records.ts'
import { commentDates, importedAuthor, skipped } from './source-fields.ts'
import { describeStart } from './source-text.ts'

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

/** Isso's `comments.mode`: 1 accepted, 2 awaiting moderation, 4 deleted but kept because it has replies. */
const STATES: Record<number, ImportedState> = { 1: 'published', 2: 'pending', 4: 'removed' }

/**
 * Isso's SQLite database file (`comments.db`): tables `threads (id, uri, title)` and
 * `comments (tid, id, parent, created, modified, mode, text, author, email, website, …)`, dates
 * as Unix seconds, text as Markdown.
 *
 * SQLite cannot be streamed: the whole file is read into memory and opened with sql.js (SQLite
 * compiled to WASM, so it runs wherever Engawa does), then rows are read one at a time. Memory
 * grows with the file, about twice its size; Isso databases are small next to Disqus exports.
 *
 * Isso knows a page only by its path (`uri`, e.g. `/posts/hello/`), never its origin: threads
 * are yielded with that path as `url`, and the writer must resolve it against the site's origin.
 */
export async function* importIsso(file: ImportFile): AsyncIterable<ImportItem> {
  const bytes = await readWhole(file)
  if (!bytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    const looks = describeStart(bytes)
    throw new ImportFormatError(looks === 'empty'
      ? 'The file is empty; expected an Isso database (comments.db).'
      : `This is not an Isso database: the file looks like ${looks}. Give Isso's comments.db file itself.`)
  }
  const SQL = await initSqlJs()
  let db: Database
  try {
    db = new SQL.Database(bytes)
    checkTables(db)
  } catch (error) {
    if (error instanceof ImportFormatError) throw error
    throw new ImportFormatError(`The SQLite file cannot be read (${(error as Error).message}). Is it damaged?`)
  }
  try {
    yield* readRows(db)
  } catch (error) {
    if (error instanceof ImportFormatError) throw error
    throw new ImportFormatError(`The SQLite file cannot be read (${(error as Error).message}). Is it damaged?`)
  } finally {
    db.close()
  }
}

async function readWhole(file: ImportFile): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of readChunks(file)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** Before any item: a file that is not Isso's, or damaged (cut short, overwritten), fails whole rather than half-way. */
function checkTables(db: Database) {
  const check = (db.exec('pragma quick_check')[0]?.values ?? []).flatMap(([line]) => String(line).split('\n')).filter((line) => !line.startsWith('***'))
  if (check.join() !== 'ok') throw new ImportFormatError(`The SQLite file is damaged (${check.slice(0, 3).join('; ')}). Copy it again from the Isso server.`)
  const found = new Set(db.exec("select name from sqlite_master where type = 'table'")[0]?.values.map(([name]) => String(name)))
  const missing = ['threads', 'comments'].filter((name) => !found.has(name))
  if (missing.length) {
    throw new ImportFormatError(`This SQLite database is not Isso's: it has no ${missing.join(' or ')} table.`)
  }
}

function* readRows(db: Database): Generator<ImportItem> {
  const threads = new Set<number>()
  const threadRows = db.prepare('select id, uri, title from threads order by id')
  try {
    while (threadRows.step()) {
      const { id, uri, title } = threadRows.getAsObject()
      if (typeof id !== 'number' || typeof uri !== 'string' || uri.trim() === '') {
        yield skipped(`thread ${String(id)}`, 'it has no uri')
        continue
      }
      threads.add(id)
      yield { kind: 'thread', thread: { sourceId: String(id), url: uri.trim(), ...(typeof title === 'string' && title.trim() ? { title: title.trim() } : {}) } }
    }
  } finally {
    threadRows.free()
  }
  const comments = db.prepare('select id, tid, parent, created, modified, mode, text, author, email, website from comments order by id')
  try {
    while (comments.step()) yield readComment(comments.getAsObject(), threads)
  } finally {
    comments.free()
  }
}

function readComment(row: Record<string, unknown>, threads: Set<number>): ImportItem {
  const what = `comment ${String(row.id)}`
  if (typeof row.tid !== 'number' || !threads.has(row.tid)) return skipped(what, `its thread ${String(row.tid)} does not exist`)
  const state = typeof row.mode === 'number' ? STATES[row.mode] : undefined
  if (!state) return skipped(what, `its mode ${String(row.mode)} is none Isso writes (1, 2 or 4)`)
  const dates = commentDates(row.created, row.modified)
  return {
    kind: 'comment',
    comment: {
      sourceId: String(row.id),
      threadSourceId: String(row.tid),
      parentSourceId: typeof row.parent === 'number' ? String(row.parent) : null,
      author: importedAuthor(row.author, row.email, withScheme(row.website)),
      body: { markdown: typeof row.text === 'string' ? row.text : '' },
      ...dates,
      state,
    },
  }
}

/** Isso stores websites as typed (`example.org`); a bare host gets the scheme a browser would try. */
function withScheme(website: unknown): unknown {
  return typeof website === 'string' && /^[\w-]+(\.[\w-]+)+([/?#]|$)/.test(website.trim()) ? `http://${website.trim()}` : website
}
