// What every importer yields and the import writer stores: one neutral shape for Disqus, WordPress,
// Remark42, Commento, Isso, Waline, Artalk and Engawa's own export. Importers only parse; the
// writer decides what is kept, linked, repaired or skipped.

/** How a comment stood in the source. `removed` comments keep their place in the tree as tombstones. */
export type ImportedState = 'published' | 'pending' | 'hidden' | 'removed' | 'spam'

export interface ImportedThread {
  /** The thread's id in the source (Disqus thread id, WordPress post id, …); the page URL when the format has none. */
  sourceId: string
  /** The page's absolute URL as the source knows it. */
  url: string
  /** Engawa's thread key, when the source carries one (Engawa's own export, a Disqus identifier). */
  key?: string
  title?: string
  createdAt?: Date
  locked?: boolean
  /** When it was closed, where the source says. */
  lockedAt?: Date
  /** The comment a moderator pinned to the top, by its source id. */
  pinnedSourceId?: string
}

export interface ImportedComment {
  /** Unique within the file (and stable across exports of the same data: it makes imports idempotent). */
  sourceId: string
  threadSourceId: string
  parentSourceId: string | null
  author: { name: string; email?: string; url?: string }
  /** Old comments are HTML in most formats, Markdown in some; either goes through Engawa's sanitiser. */
  body: { html: string } | { markdown: string }
  createdAt: Date
  editedAt?: Date
  state: ImportedState
  /** A moderator's reason, where the source keeps one. */
  moderationReason?: string
  /** Whether readers see that reason on the hidden comment. */
  reasonPublic?: boolean
}

export type ImportItem =
  | { kind: 'thread'; thread: ImportedThread }
  | { kind: 'comment'; comment: ImportedComment }
  /** A record the parser could not make sense of: reported in the summary, never a crash. */
  | { kind: 'skipped'; what: string; reason: string }
  /** Something the parser read past or read with care (stray bytes before the XML, an unreadable flag): kept, and said so. */
  | { kind: 'repaired'; what: string; reason: string }

/** The uploaded or named file. Importers report how far they have read, for progress bars. */
export interface ImportFile {
  path: string
  size: number
  onProgress?: (bytesRead: number) => void
}

/** An importer parses a file lazily: items are yielded as they are read, so memory stays bounded. */
export type Importer = (file: ImportFile) => AsyncIterable<ImportItem>

/** A parse error that ends the import of the file (malformed XML or JSON, the wrong format): a 4xx, not a crash. */
export class ImportFormatError extends Error {
  override name = 'ImportFormatError'
}
