import { escapeXml } from '../http/xml.ts'

/** One comment as a feed entry. */
export interface FeedEntry {
  id: string
  authorName: string
  html: string
  publishedAt: Date
  updatedAt: Date
  pageUrl: string
  pageTitle: string
}

export interface Feed {
  /** The feed's own URL: its id and its rel="self" link. */
  selfUrl: string
  /** The page the comments are on, or the site. */
  alternateUrl: string
  title: string
  entries: readonly FeedEntry[]
}

/**
 * An Atom 1.0 document (RFC 4287): every element the RFC requires (id, title, updated, an
 * author for each entry), comments as escaped HTML content that was sanitised when written.
 */
export function renderAtom(feed: Feed, generatedAt: Date): string {
  const updated = feed.entries.reduce((latest, e) => (e.updatedAt > latest ? e.updatedAt : latest), new Date(0))
  const entries = feed.entries.map(
    (e) => `  <entry>
    <id>urn:uuid:${e.id}</id>
    <title>${escapeXml(`${e.authorName || 'A deleted account'} on ${e.pageTitle || e.pageUrl}`)}</title>
    <author><name>${escapeXml(e.authorName || 'A deleted account')}</name></author>
    <published>${e.publishedAt.toISOString()}</published>
    <updated>${e.updatedAt.toISOString()}</updated>
    <link rel="alternate" type="text/html" href="${escapeXml(`${e.pageUrl}#engawa-comment-${e.id}`)}"/>
    <content type="html">${escapeXml(e.html)}</content>
  </entry>`,
  )
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(feed.selfUrl)}</id>
  <title>${escapeXml(feed.title)}</title>
  <updated>${(feed.entries.length > 0 ? updated : generatedAt).toISOString()}</updated>
  <generator>Engawa</generator>
  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(feed.alternateUrl)}"/>
${entries.join('\n')}
</feed>
`
}
