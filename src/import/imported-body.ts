import type { MarkdownRenderer, RenderOptions } from '../markdown/render.ts'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

/**
 * The Markdown kept beside an imported HTML comment, for search and for a moderator's edit:
 * its words, its links and its paragraphs. It is made from the sanitised HTML, so it never
 * carries more than the page shows, and, being Markdown, it is rendered as text if edited.
 */
function markdownOfHtml(safeHtml: string): string {
  return decodeEntities(
    safeHtml
      .replace(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g, (_, href: string, text: string) => `[${text}](${href})`)
      .replace(/<br\s*\/?>\n?/g, '\n')
      .replace(/<\/(p|blockquote|pre|ul|ol|li|h4|h5|h6)>/g, '\n\n')
      .replace(/<\/?(strong)>/g, '**')
      .replace(/<\/?(em)>/g, '_')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/**
 * An imported comment's stored source and HTML, by the same rules as a new comment: Markdown
 * through the renderer, HTML through the same allowlist. `body_source` is never HTML.
 */
export function importedBody(markdown: MarkdownRenderer, body: { html: string } | { markdown: string }, options: RenderOptions) {
  if ('markdown' in body) return { source: body.markdown, html: markdown.render(body.markdown, options) }
  const html = markdown.sanitizeImported(body.html, options)
  return { source: markdownOfHtml(html), html }
}
