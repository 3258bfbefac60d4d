import { ImportFormatError, type ImportedComment, type ImportItem } from '../records.ts'
import { asRecord } from './json-paths.ts'

// Field repairs every format needs: dates written five ways, authors with blank names or odd links.

/** Most authors a first pass keeps in memory (Commento's commenters, Waline's users), and how long each field may be. */
const MAX_DIRECTORY_ENTRIES = 500_000
const FIELD_LIMITS = { name: 200, email: 254, url: 2048 } as const

/**
 * An author as a first pass keeps it until the comments that name it arrive: fields cut to what
 * a real profile holds, and the whole directory bounded, so a crafted file cannot fill memory.
 */
export function directoryEntry<M extends Map<string, { name?: string; email?: string; url?: string }>>(
  directory: M,
  id: string,
  author: { name?: string; email?: string; url?: string },
  format: string,
): void {
  if (directory.size >= MAX_DIRECTORY_ENTRIES && !directory.has(id))
    throw new ImportFormatError(`This file lists more than ${MAX_DIRECTORY_ENTRIES.toLocaleString('en')} authors, more than ${format} export holds: it cannot be imported.`)
  directory.set(id, {
    name: author.name?.slice(0, FIELD_LIMITS.name),
    email: author.email && author.email.length <= FIELD_LIMITS.email ? author.email : undefined,
    url: author.url && author.url.length <= FIELD_LIMITS.url ? author.url : undefined,
  })
}

/** Before this, a "date" is a zero value (Go's year 1, the Unix epoch) standing for "unknown", not a time a comment was written. */
const EARLIEST = Date.UTC(1995, 0, 1)
/** `2021-10-28 20:50:15 +0800 +0800` (Go's `Time.String`, Artalk), `2021-03-12 11:21:56` (SQL dumps), and ISO 8601. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?/i

/**
 * A source date as a Date, or undefined when it is missing or cannot be one. Numbers are Unix
 * times in seconds (Isso) or milliseconds (Waline), told apart by size; a time without a zone is UTC.
 */
export function parseSourceDate(value: unknown): Date | undefined {
  const wrapped = asRecord(value)
  // LeanCloud (Waline, Valine) writes dates as { "__type": "Date", "iso": "…" }; Mongo dumps as { "$date": … }.
  if (wrapped) return parseSourceDate(wrapped.iso ?? wrapped.$date)
  let ms: number
  if (typeof value === 'number') ms = value < 1e11 ? value * 1000 : value
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return parseSourceDate(Number(value))
  else if (typeof value === 'string') {
    const match = DATE_TIME.exec(value.trim())
    if (match) {
      const [, day, time, fraction = '', zone = 'Z'] = match
      const offset = /^(Z|UTC|GMT)$/i.test(zone) ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
      ms = Date.parse(`${day}T${time}${fraction.slice(0, 4)}${offset}`)
    } else ms = Date.parse(value)
  } else return undefined
  return Number.isFinite(ms) && ms >= EARLIEST ? new Date(ms) : undefined
}

/**
 * A comment's dates: a missing or broken creation date is repaired from its edit date when
 * there is one. With neither, `createdAt` is an invalid Date: the writer then repairs it from the
 * thread's date and reports the repair, as it does for every format, so the comment is not lost.
 */
export function commentDates(created: unknown, edited?: unknown): { createdAt: Date; editedAt?: Date } {
  const editedAt = parseSourceDate(edited)
  const createdAt = parseSourceDate(created) ?? editedAt
  if (!createdAt) return { createdAt: new Date(Number.NaN) }
  return editedAt && editedAt.getTime() > createdAt.getTime() ? { createdAt, editedAt } : { createdAt }
}

/**
 * An author as the writer wants it: the name trimmed (left empty when the export has none: the
 * writer shows "Anonymous" and reports it), an email only when it looks like one, a website only
 * when it is http(s), so a `javascript:` link never reaches a page.
 */
export function importedAuthor(name: unknown, email?: unknown, url?: unknown): ImportedComment['author'] {
  const author: ImportedComment['author'] = { name: typeof name === 'string' ? name.trim() : '' }
  if (typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email.trim())) author.email = email.trim()
  if (typeof url === 'string' && /^https?:\/\/[^\s]+$/i.test(url.trim())) author.url = url.trim()
  return author
}

export function skipped(what: string, reason: string): ImportItem {
  return { kind: 'skipped', what, reason }
}

/**
 * Yields each thread once, before its first comment: most formats have no thread records and
 * name the page on every comment. Keeps one key per thread, never the comments.
 */
export class FirstSight {
  readonly #seen = new Set<string>()

  /** The thread's item the first time it is named, nothing after. */
  thread(sourceId: string, url: string, title?: string, locked?: boolean): ImportItem[] {
    if (this.#seen.has(sourceId)) return []
    this.#seen.add(sourceId)
    const trimmed = title?.trim()
    return [{ kind: 'thread', thread: { sourceId, url, ...(trimmed ? { title: trimmed } : {}), ...(locked ? { locked } : {}) } }]
  }
}
