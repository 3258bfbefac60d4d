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

function truthy(text: string): boolean {
  return text.trim().toLowerCase() === 'true'
}

/** Disqus writes UTC, sometimes without the Z. */
export function parseDisqusDate(text: string): Date {
  const t = text.trim()
  return new Date(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t) ? `${t}Z` : t)
}

function refOf(el: XmlElement | undefined): string {
  return (el?.attrs.id ?? el?.text ?? '').trim()
}

function stateOf(post: XmlElement): ImportedState {
  if (truthy(childText(post, 'isDeleted'))) return 'removed'
  if (truthy(childText(post, 'isSpam'))) return 'spam'
  return 'published'
}

export const importDisqus: Importer = async function* (file): AsyncIterable<ImportItem> {
  // Identifier → dsq:id, for posts that name their thread by identifier: one entry per thread.
  const threadIds = new Map<string, string>()
  const records = readXmlRecords(file, {
    checkRoot: (root) => {
      if (root.local !== 'disqus')
        throw new ImportFormatError(`This is not a Disqus export: it starts with <${root.name}>, where Disqus's starts with <disqus>.`)
    },
    isRecord: (path) => path.length === 2 && (path[1] === 'thread' || path[1] === 'post'),
  })
  for await (const { element: el } of records) {
    if (el.local === 'thread') {
      const sourceId = el.attrs.id?.trim() || childText(el, 'id')
      if (!sourceId) {
        yield { kind: 'skipped', what: `thread at ${childText(el, 'link') || '(no link)'}`, reason: 'The thread has no id' }
        continue
      }
      const identifier = childText(el, 'id')
      if (identifier && !threadIds.has(identifier)) threadIds.set(identifier, sourceId)
      yield {
        kind: 'thread',
        thread: {
          sourceId,
          url: childText(el, 'link'),
          title: childText(el, 'title') || undefined,
          createdAt: childText(el, 'createdAt') ? parseDisqusDate(childText(el, 'createdAt')) : undefined,
          locked: truthy(childText(el, 'isClosed')),
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
    const message = child(el, 'message')
    if (message?.truncated) {
      yield { kind: 'skipped', what: `post ${sourceId} (thread ${threadSourceId})`, reason: 'The comment is longer than 1 MiB' }
      continue
    }
    const author = child(el, 'author')
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
      state: stateOf(el),
    }
    yield { kind: 'comment', comment }
  }
}
