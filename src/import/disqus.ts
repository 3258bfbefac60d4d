import { ImportFormatError, type ImportedComment, type ImportedState, type Importer, type ImportItem } from './records.ts'
import { child, childText, readXmlRecords, type XmlElement } from './xml-records.ts'

// Disqus's export (Admin › Community › Export), described with its schema at
// disqus.com/api/schemas/1.0/disqus.xsd: <disqus> holds <category>, then <thread dsq:id>
// (link, title, createdAt, isClosed), then <post dsq:id> (message as HTML, createdAt,
// isDeleted, isSpam, author name/email/isAnonymous, <thread dsq:id/>, <parent dsq:id/>).
// Posts may name their thread by its identifier (<thread>id</thread>) instead of dsq:id, and a
// post without dsq:id is known by its <id>. Times are UTC, with or without a zone.
//
// A thread is keyed by its URL, not by the Disqus identifier: Engawa's widget finds a page by
// its URL unless the page gives data-key, and a migrated page rarely does.

/** A flag as Disqus's schema types it (xs:boolean: true, false, 1 or 0); absent is false. */
type Flag = boolean | { unreadable: string }

function flagOf(el: XmlElement | undefined, name: string): Flag {
  const text = childText(el, name).toLowerCase()
  if (text === '' || text === 'false' || text === '0') return false
  if (text === 'true' || text === '1') return true
  return { unreadable: childText(el, name).slice(0, 40) }
}

function isSet(flag: Flag): boolean {
  return flag === true
}

const REASONS = {
  deletedThread: 'The thread was deleted in Disqus',
  inDeletedThread: "The comment's thread was deleted in Disqus",
  unreadableFlag: (name: string, value: string) => `The ${name} flag was neither true nor false ("${value}"): held for review`,
}

/** Disqus writes UTC, sometimes without the Z. */
export function parseDisqusDate(text: string): Date {
  const t = text.trim()
  return new Date(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t) ? `${t}Z` : t)
}

function refOf(el: XmlElement | undefined): string {
  return (el?.attrs.id ?? el?.text ?? '').trim()
}

/** The post's state, and the flags that could not be read (the post is then held for review). */
function stateOf(post: XmlElement, threadHeld: boolean): { state: ImportedState; unreadable: Array<[string, string]> } {
  const deleted = flagOf(post, 'isDeleted')
  const spam = flagOf(post, 'isSpam')
  const unreadable = ([['isDeleted', deleted], ['isSpam', spam]] as const).flatMap(([name, flag]) =>
    typeof flag === 'object' ? [[name, flag.unreadable] as [string, string]] : [],
  )
  if (isSet(deleted)) return { state: 'removed', unreadable }
  if (isSet(spam)) return { state: 'spam', unreadable }
  return { state: unreadable.length > 0 || threadHeld ? 'pending' : 'published', unreadable }
}

export const importDisqus: Importer = async function* (file): AsyncIterable<ImportItem> {
  // Identifier → dsq:id, for posts that name their thread by identifier: one entry per thread.
  const threadIds = new Map<string, string>()
  // Threads deleted in Disqus, whose posts stay out; threads whose isDeleted could not be read, whose posts are held.
  const deletedThreads = new Set<string>()
  const heldThreads = new Set<string>()
  const records = readXmlRecords(file, {
    checkRoot: (root) => {
      if (root.local !== 'disqus')
        throw new ImportFormatError(`This is not a Disqus export: it starts with <${root.name}>, where Disqus's starts with <disqus>.`)
    },
    isRecord: (path) => path.length === 2 && (path[1] === 'thread' || path[1] === 'post'),
  })
  for await (const record of records) {
    if ('repair' in record) {
      yield { kind: 'repaired', ...record.repair }
      continue
    }
    const el = record.element
    if (el.local === 'thread') {
      const sourceId = el.attrs.id?.trim() || childText(el, 'id')
      if (!sourceId) {
        yield { kind: 'skipped', what: `thread at ${childText(el, 'link') || '(no link)'}`, reason: 'The thread has no id' }
        continue
      }
      const identifier = childText(el, 'id')
      if (identifier && !threadIds.has(identifier)) threadIds.set(identifier, sourceId)
      const deleted = flagOf(el, 'isDeleted')
      if (isSet(deleted)) {
        deletedThreads.add(sourceId)
        yield { kind: 'skipped', what: `thread ${sourceId}: ${childText(el, 'link') || '(no link)'}`, reason: REASONS.deletedThread }
        continue
      }
      if (typeof deleted === 'object') {
        heldThreads.add(sourceId)
        yield { kind: 'repaired', what: `thread ${sourceId}: ${childText(el, 'link') || '(no link)'}`, reason: REASONS.unreadableFlag('isDeleted', deleted.unreadable) }
      }
      yield {
        kind: 'thread',
        thread: {
          sourceId,
          url: childText(el, 'link'),
          title: childText(el, 'title') || undefined,
          createdAt: childText(el, 'createdAt') ? parseDisqusDate(childText(el, 'createdAt')) : undefined,
          locked: isSet(flagOf(el, 'isClosed')),
        },
      }
      continue
    }
    const sourceId = el.attrs.id?.trim() || childText(el, 'id')
    const threadEl = child(el, 'thread')
    const threadSourceId = threadEl?.attrs.id?.trim() || threadIds.get(refOf(threadEl)) || refOf(threadEl)
    if (!sourceId || !threadSourceId) {
      yield { kind: 'skipped', what: `post ${sourceId || '(no id)'}`, reason: sourceId ? 'The post names no thread' : 'The post has no id' }
      continue
    }
    if (deletedThreads.has(threadSourceId)) {
      yield { kind: 'skipped', what: `post ${sourceId} (thread ${threadSourceId})`, reason: REASONS.inDeletedThread }
      continue
    }
    const message = child(el, 'message')
    if (message?.truncated) {
      yield { kind: 'skipped', what: `post ${sourceId} (thread ${threadSourceId})`, reason: 'The comment is longer than 1 MiB' }
      continue
    }
    const author = child(el, 'author')
    const { state, unreadable } = stateOf(el, heldThreads.has(threadSourceId))
    for (const [name, value] of unreadable)
      yield { kind: 'repaired', what: `post ${sourceId} (thread ${threadSourceId})`, reason: REASONS.unreadableFlag(name, value) }
    const comment: ImportedComment = {
      sourceId,
      threadSourceId,
      parentSourceId: refOf(child(el, 'parent')) || null,
      author: {
        name: childText(author, 'name') || childText(author, 'username'),
        email: childText(author, 'email') || undefined,
      },
      body: { html: message?.text ?? '' },
      createdAt: parseDisqusDate(childText(el, 'createdAt')),
      state,
    }
    yield { kind: 'comment', comment }
  }
}
