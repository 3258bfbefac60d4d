import { ImportFormatError, type ImportedComment, type ImportedState, type Importer, type ImportItem } from './records.ts'
import { child, childText, readXmlRecords, type XmlElement } from './xml-records.ts'

// WordPress's export (Tools › Export), WXR: RSS 2.0 with the wp: namespace
// (http://wordpress.org/export/1.0/ to 1.2/). Each <item> is a post or page: <title>, <link>,
// <wp:post_id>, <wp:post_date_gmt>, <wp:comment_status>, then its <wp:comment>s: comment_id,
// comment_author(_email, _url), comment_date_gmt, comment_content (HTML, paragraphs by blank
// lines as wpautop shows them), comment_approved (1, 0, spam, trash), comment_type, comment_parent.
// Comment ids are WordPress's own, unique per blog; they are kept per post, so a file that
// repeats one on another post (seen in the wild) keeps both.

const WXR_NAMESPACE = /^https?:\/\/wordpress\.org\/export\/\d+\.\d+\/?$/
/** Comment types that are readers' comments; pingbacks, trackbacks and plugin notes are not. */
const COMMENT_TYPES = new Set(['', 'comment', 'review'])
const BLOCK = /^<(p|div|blockquote|pre|ul|ol|h[1-6]|table)[\s>]/i

const STATES: Record<string, ImportedState> = { '1': 'published', '0': 'pending', spam: 'spam', trash: 'removed', 'post-trashed': 'hidden' }

/** What wpautop does on display: blank lines make paragraphs, single newlines line breaks. */
export function autoParagraphs(html: string): string {
  return html
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (BLOCK.test(p) ? p : `<p>${p.replace(/\n/g, '<br>\n')}</p>`))
    .join('\n')
}

/** WordPress writes GMT as "2014-01-14 17:32:12"; an empty date is "0000-00-00 00:00:00". */
export function parseWordPressDate(text: string): Date {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(text.trim())
  if (!m || m[1] === '0000') return new Date(Number.NaN)
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`)
}

function unpublished(el: XmlElement, threadSourceId: string, status: string): ImportItem {
  return { kind: 'skipped', what: `comment ${childText(el, 'comment_id') || '(no id)'} (post ${threadSourceId})`, reason: UNPUBLISHED[status] ?? status }
}

function commentOf(el: XmlElement, threadSourceId: string): ImportItem {
  const id = childText(el, 'comment_id')
  const what = `comment ${id || '(no id)'} (post ${threadSourceId})`
  const type = childText(el, 'comment_type').toLowerCase()
  if (!id) return { kind: 'skipped', what, reason: 'The comment has no id' }
  if (type === 'pingback' || type === 'trackback') return { kind: 'skipped', what, reason: 'A pingback or trackback, not a comment' }
  if (!COMMENT_TYPES.has(type)) return { kind: 'skipped', what, reason: `Not a reader's comment (type "${type}")` }
  const content = child(el, 'comment_content')
  if (content?.truncated) return { kind: 'skipped', what, reason: 'The comment is longer than 1 MiB' }
  const parent = childText(el, 'comment_parent')
  const gmt = parseWordPressDate(childText(el, 'comment_date_gmt'))
  const comment: ImportedComment = {
    sourceId: `${threadSourceId}:${id}`,
    threadSourceId,
    parentSourceId: parent && parent !== '0' ? `${threadSourceId}:${parent}` : null,
    author: {
      name: childText(el, 'comment_author'),
      email: childText(el, 'comment_author_email') || undefined,
      url: childText(el, 'comment_author_url') || undefined,
    },
    body: { html: autoParagraphs(content?.text ?? '') },
    // Without a GMT date, the local one (its zone unknown) is closer than nothing.
    createdAt: Number.isNaN(gmt.getTime()) ? parseWordPressDate(childText(el, 'comment_date')) : gmt,
    state: STATES[childText(el, 'comment_approved').toLowerCase()] ?? 'pending',
  }
  return { kind: 'comment', comment }
}

/** A post is known by its id; one without (seen in hand-edited files) by its link. */
/** Posts whose comments no reader ever saw, by wp:status: their comments are skipped, with this reason. */
const UNPUBLISHED: Record<string, string> = {
  draft: 'The post is a draft, never published',
  'auto-draft': 'The post is a draft, never published',
  pending: 'The post was waiting for review, never published',
  trash: "The post is in WordPress's trash",
}

function threadSourceIdOf(item: XmlElement): string {
  return childText(item, 'post_id') || childText(item, 'link')
}

export const importWordPress: Importer = async function* (file): AsyncIterable<ImportItem> {
  const records = readXmlRecords(file, {
    checkRoot: (root) => {
      if (root.local !== 'rss')
        throw new ImportFormatError(`This is not a WordPress export (WXR): it starts with <${root.name}>, where WXR starts with <rss>.`)
      if (!Object.values(root.ns ?? {}).some((uri) => WXR_NAMESPACE.test(uri)))
        throw new ImportFormatError("This is an RSS feed, not a WordPress export: it lacks WordPress's wp: namespace (Tools › Export in WordPress makes one).")
    },
    isRecord: (path) => (path.length === 3 && path[2] === 'item') || (path.length === 4 && path[2] === 'item' && path[3] === 'comment'),
    ignoreText: new Set(['encoded', 'postmeta', 'commentmeta', 'description']),
  })
  // Comments read before their post's id (it normally comes first): held until the item ends.
  let waiting: XmlElement[] = []
  let commentsInItem = 0
  for await (const record of records) {
    if ('repair' in record) {
      yield { kind: 'repaired', ...record.repair }
      continue
    }
    const { element: el, ancestors } = record
    if (el.local === 'comment') {
      commentsInItem++
      const item = ancestors[ancestors.length - 1]
      const threadSourceId = item ? childText(item, 'post_id') : ''
      const status = item ? childText(item, 'status') : ''
      // Its post's id and status normally come before its comments; otherwise it waits for the item's end.
      if (!threadSourceId || !status) waiting.push(el)
      else if (UNPUBLISHED[status]) yield unpublished(el, threadSourceId, status)
      else yield commentOf(el, threadSourceId)
      continue
    }
    const threadSourceId = threadSourceIdOf(el)
    const title = childText(el, 'title') || undefined
    const status = childText(el, 'status')
    if (commentsInItem > 0 && threadSourceId && UNPUBLISHED[status]) {
      for (const c of waiting) yield unpublished(c, threadSourceId, status)
    } else if (commentsInItem > 0) {
      if (!threadSourceId)
        for (const c of waiting)
          yield { kind: 'skipped', what: `comment ${childText(c, 'comment_id')} (post "${title ?? '(untitled)'}")`, reason: 'The post has neither an id nor a link' }
      else {
        const date = parseWordPressDate(childText(el, 'post_date_gmt'))
        yield {
          kind: 'thread',
          thread: {
            sourceId: threadSourceId,
            url: childText(el, 'link'),
            title,
            createdAt: Number.isNaN(date.getTime()) ? undefined : date,
            locked: childText(el, 'comment_status') === 'closed',
          },
        }
        for (const c of waiting) yield commentOf(c, threadSourceId)
      }
    }
    waiting = []
    commentsInItem = 0
  }
}
