import type { CommentRow, SiteRow, ThreadRow } from '../db/schema.ts'
import { cdata, escapeXml } from '../http/xml.ts'
import type { ExportTally } from './engawa-json.ts'
import { exportedAuthor, readComments, readThreads, type SiteSnapshot } from './read-site.ts'

/** Disqus writes whole seconds (`2012-12-12T12:12:12Z`), and some importers parse exactly that. */
const disqusDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

function threadXml(t: ThreadRow, forum: string): string {
  return `  <thread dsq:id="${t.id}">
    <id>${escapeXml(t.key)}</id>
    <forum>${escapeXml(forum)}</forum>
    <category dsq:id="general"/>
    <link>${escapeXml(t.url)}</link>
    <title>${escapeXml(t.title)}</title>
    <message/>
    <createdAt>${disqusDate(t.created_at)}</createdAt>
    <isClosed>${t.locked_at !== null}</isClosed>
    <isDeleted>false</isDeleted>
  </thread>
`
}

/**
 * Disqus knows published, deleted and spam. A comment a moderator hid leaves as deleted, a
 * shadow-banned author's as spam, and one awaiting approval as neither, with
 * `<isApproved>false</isApproved>` (which not every Disqus importer reads).
 */
function postXml(c: CommentRow): string {
  const author = exportedAuthor(c)
  return `  <post dsq:id="${c.id}">
    <id/>
    <message>${cdata(c.body_html)}</message>
    <createdAt>${disqusDate(c.created_at)}</createdAt>
    <isDeleted>${c.status === 'deleted' || c.status === 'hidden'}</isDeleted>
    <isSpam>${c.status === 'spam' || c.status === 'shadowed'}</isSpam>
    <isApproved>${c.status !== 'pending'}</isApproved>
    <author>
${author.email ? `      <email>${escapeXml(author.email)}</email>\n` : ''}      <name>${escapeXml(author.name)}</name>
      <isAnonymous>${author.kind !== 'account'}</isAnonymous>
    </author>
    <thread dsq:id="${c.thread_id}"/>
${c.parent_id ? `    <parent dsq:id="${c.parent_id}"/>\n` : ''}  </post>
`
}

/**
 * The site's comments as a Disqus export (the XML Disqus itself writes and other services
 * import): a category, every thread, then every post, thread by thread in tree order. Message
 * is the sanitised HTML in CDATA; the thread's `<id>` is Engawa's thread key, Disqus's
 * "identifier".
 */
export async function* writeDisqusExport(snapshot: SiteSnapshot, site: SiteRow, tally: ExportTally): AsyncIterable<string> {
  yield `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd http://disqus.com/api/schemas/1.0/disqus-internals.xsd">
  <category dsq:id="general">
    <forum>${escapeXml(site.id)}</forum>
    <title>${escapeXml(site.name)}</title>
    <isDefault>true</isDefault>
  </category>
`
  for await (const threads of readThreads(snapshot)) {
    yield threads.map((t) => threadXml(t, site.id)).join('')
    tally.threads += threads.length
  }
  for await (const comments of readComments(snapshot)) {
    yield comments.map(postXml).join('')
    tally.comments += comments.length
  }
  yield '</disqus>\n'
}
