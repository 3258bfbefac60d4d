import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'
import { revealLinkTargets } from './link-targets.ts'
import { linkMentions, type MentionLink } from './mentions.ts'

export interface RenderOptions {
  allowsImages: boolean
  /** The readers the comment mentions, resolved by the caller (comments/mentions.ts). */
  mentions?: MentionLink[]
}

const LINK_REL = 'nofollow ugc noopener noreferrer'
// Spelled out in full: the URL parser accepts `https:/logout`, which a browser resolves
// against the embedding page, turning a comment's link into one on the host site.
const ABSOLUTE_LINK = /^(https?:\/\/[^/\\\s]|mailto:[^\s])/i
const ABSOLUTE_IMAGE = /^https?:\/\/[^/\\\s]/i

/** Only absolute http, https and mailto links survive; anything else stays visible as text. */
function isSafeLink(href: string): boolean {
  if (!ABSOLUTE_LINK.test(href)) return false
  try {
    new URL(href)
    return true
  } catch {
    return false
  }
}

function createMarkdown(allowsImages: boolean) {
  // html: false escapes raw HTML in the source, so a comment can never carry markup of its own.
  const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false })
  md.disable(allowsImages ? ['table'] : ['table', 'image'])
  md.validateLink = isSafeLink
  revealLinkTargets(md)
  linkMentions(md)
  return md
}

const IMAGE_TAGS = ['img']
const BASE_TAGS = ['p', 'br', 'strong', 'em', 's', 'del', 'a', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'h4', 'h5', 'h6']

function sanitizerOptions(allowsImages: boolean): sanitizeHtml.IOptions {
  return {
    allowedTags: allowsImages ? [...BASE_TAGS, ...IMAGE_TAGS] : BASE_TAGS,
    allowedAttributes: {
      a: ['href', 'rel'],
      img: ['src', 'alt', 'title', 'loading', 'referrerpolicy'],
      ol: ['start'],
      code: ['class'],
    },
    allowedClasses: { code: ['language-*'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https', 'http'] },
    allowProtocolRelative: false,
    // An image whose source is not an absolute http(s) URL goes altogether, not just its src.
    exclusiveFilter: (frame) => frame.tag === 'img' && !ABSOLUTE_IMAGE.test(frame.attribs.src ?? ''),
    disallowedTagsMode: 'escape',
    transformTags: {
      // A comment's headings must not outrank the article's own.
      h1: 'h4',
      h2: 'h4',
      h3: 'h4',
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
      img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy', referrerpolicy: 'no-referrer' } }),
    },
  }
}

/**
 * Imported HTML (another service's stored comments) meets the same allowlist. Unlike
 * Markdown's output, it is full of tags the allowlist lacks (div, span, b, i): those go and
 * their text stays, rather than showing up escaped; script and style go with their text.
 */
function importedHtmlOptions(allowsImages: boolean): sanitizeHtml.IOptions {
  const base = sanitizerOptions(allowsImages)
  return {
    ...base,
    disallowedTagsMode: 'discard',
    transformTags: { ...base.transformTags, b: 'strong', i: 'em', strike: 's', tt: 'code' },
  }
}

export interface MarkdownRenderer {
  /** Markdown source to the sanitised HTML that is stored and shown: the only way comment HTML is made. */
  render(source: string, options: RenderOptions): string
  /** Another service's comment HTML (imports only), through the same allowlist. */
  sanitizeImported(html: string, options: RenderOptions): string
}

export function createMarkdownRenderer(): MarkdownRenderer {
  const variants = {
    withImages: { md: createMarkdown(true), sanitize: sanitizerOptions(true), imported: importedHtmlOptions(true) },
    withoutImages: { md: createMarkdown(false), sanitize: sanitizerOptions(false), imported: importedHtmlOptions(false) },
  }
  return {
    render(source, { allowsImages, mentions = [] }) {
      const v = allowsImages ? variants.withImages : variants.withoutImages
      return sanitizeHtml(v.md.render(source, { mentions }), v.sanitize).trim()
    },
    sanitizeImported(html, { allowsImages }) {
      const v = allowsImages ? variants.withImages : variants.withoutImages
      return sanitizeHtml(html, v.imported).trim()
    },
  }
}
