import type MarkdownIt from 'markdown-it'

type Markdown = InstanceType<typeof MarkdownIt>

/** A mention to draw: `@name`, linked to `href` (their profile) or left as text when they show none. */
export interface MentionLink {
  name: string
  href: string | null
}

const WORD = /[\p{L}\p{N}_]/u

/**
 * `@name` in a comment's text (never in code or inside a link) becomes a link to that reader's
 * profile, for the mentions the caller resolved (comments/mentions.ts): nothing else here
 * decides who a name is.
 */
export function linkMentions(md: Markdown): void {
  md.core.ruler.push('mentions', (state) => {
    const linked = ((state.env as { mentions?: MentionLink[] } | undefined)?.mentions ?? []).filter((m) => m.href)
    if (linked.length === 0) return
    // Longest first, so that "@Hana Sato" is not taken for "@Hana".
    linked.sort((a, b) => b.name.length - a.name.length)
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue
      let insideLink = 0
      block.children = block.children.flatMap((token) => {
        if (token.type === 'link_open') insideLink++
        if (token.type === 'link_close') insideLink--
        if (token.type !== 'text' || insideLink > 0) return [token]
        return split(token.content, linked, (type, tag, nesting) => new state.Token(type, tag, nesting))
      })
    }
  })
}

type MakeToken = (type: string, tag: string, nesting: -1 | 0 | 1) => InstanceType<typeof MarkdownIt.prototype.core.State.prototype.Token>

function split(text: string, mentions: MentionLink[], make: MakeToken) {
  const out: ReturnType<MakeToken>[] = []
  const plain = (content: string) => {
    if (!content) return
    const t = make('text', '', 0)
    t.content = content
    out.push(t)
  }
  let rest = 0
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    if (i > 0 && WORD.test(text[i - 1] ?? '')) continue
    const found = mentions.find((m) => text.startsWith(m.name, i + 1) && !WORD.test(text[i + 1 + m.name.length] ?? ''))
    if (!found?.href) continue
    plain(text.slice(rest, i))
    const open = make('link_open', 'a', 1)
    open.attrSet('href', found.href)
    out.push(open)
    plain(`@${found.name}`)
    out.push(make('link_close', 'a', -1))
    rest = i + 1 + found.name.length
    i = rest - 1
  }
  plain(text.slice(rest))
  return out
}
