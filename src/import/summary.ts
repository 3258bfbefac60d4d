import type { ImportedState } from './records.ts'

/** Examples kept per reason: enough to find the records in the file, bounded however many there are. */
const EXAMPLES_PER_REASON = 5

export interface ReasonCount {
  reason: string
  count: number
  /** A few of the records it happened to ("comment 123 in thread 45"), in file order. */
  examples: string[]
}

/** What an import did: the numbers the CLI prints, the API returns and the dashboard shows. */
export interface ImportSummary {
  threads: { created: number; updated: number; unchanged: number }
  comments: {
    imported: number
    /** Found in an earlier import of the same site and format, and left as they are. */
    alreadyImported: number
    /** Imported comments whose author's email belongs to a verified account: they are that account's now. */
    linkedToAccounts: number
    byState: Record<ImportedState, number>
  }
  /** Kept, after a repair (a placeholder name, a reply moved to the top level, a date). */
  repaired: { total: number; reasons: ReasonCount[] }
  /** Not imported, and why. */
  skipped: { total: number; reasons: ReasonCount[] }
}

/** Why records were skipped or repaired. Parsers' own reasons (a pingback, say) come as they wrote them. */
export const REASONS = {
  originNotAllowed: "The page is not on one of the site's allowed origins (map its old origin onto the site's to keep it)",
  invalidUrl: 'The thread has no absolute http(s) URL',
  threadNotFound: 'The comment belongs to a thread that is not in the file',
  threadSkipped: 'The comment belongs to a thread that was skipped',
  emptyThread: 'The thread has no comments',
  duplicateId: 'Another record in the file has the same id (the first one was kept)',
  missingName: 'The author had no name: shown as "Anonymous"',
  invalidDate: "The date was missing or unreadable: the thread's date (or the import's) was used",
  futureDate: 'The date was in the future: the import time was used',
  unknownParent: 'The comment replied to a comment that is not in the file: made a top-level comment',
  parentElsewhere: 'The comment replied to a comment on another page: made a top-level comment',
  replyCycle: 'The comment was part of a loop of replies: made a top-level comment',
  tooDeep: 'The reply was nested deeper than Engawa keeps: attached to its deepest ancestor that fits',
} as const

export function emptyByState(): Record<ImportedState, number> {
  return { published: 0, pending: 0, hidden: 0, removed: 0, spam: 0 }
}

class ReasonTally {
  readonly #counts = new Map<string, ReasonCount>()
  #total = 0

  add(reason: string, example: string, count = 1) {
    this.#total += count
    let entry = this.#counts.get(reason)
    if (!entry) this.#counts.set(reason, (entry = { reason, count: 0, examples: [] }))
    entry.count += count
    if (entry.examples.length < EXAMPLES_PER_REASON) entry.examples.push(example)
  }

  toJson() {
    return { total: this.#total, reasons: [...this.#counts.values()].sort((a, b) => b.count - a.count) }
  }
}

/** Counts as the import goes. Reasons are few (the list above plus the parsers'), so memory stays small. */
export class SummaryTally {
  readonly threads = { created: 0, updated: 0, unchanged: 0 }
  readonly comments = { imported: 0, alreadyImported: 0, linkedToAccounts: 0, byState: emptyByState() }
  readonly repaired = new ReasonTally()
  readonly skipped = new ReasonTally()

  toJson(): ImportSummary {
    return {
      threads: { ...this.threads },
      comments: { ...this.comments, byState: { ...this.comments.byState } },
      repaired: this.repaired.toJson(),
      skipped: this.skipped.toJson(),
    }
  }
}
