import type MarkdownIt from 'markdown-it'

type Markdown = InstanceType<typeof MarkdownIt>

/** Text that reads as an address: a URL, `www.…`, a domain or an IPv4 address, with a path or not. */
const LOOKS_LIKE_ADDRESS = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:(?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,}|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\])(?::\d{1,5})?(?:[/?#]\S*)?$/iu

/** The host a piece of link text claims, when it reads as an address. */
function claimedHost(text: string): string | undefined {
  // An address at the end of a sentence still claims its host.
  const t = text.trim().replace(/[.,;:!?]+$/, '')
  if (!LOOKS_LIKE_ADDRESS.test(t)) return undefined
  return hostOf(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`)
}

/** A URL's host as readers compare them: lower case, without a leading www. */
function hostOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined
  const { protocol, hostname } = new URL(url)
  if (protocol !== 'http:' && protocol !== 'https:') return undefined
  return hostname.toLowerCase().replace(/^www\./, '')
}

/**
 * A link whose text reads as one address but goes to another host (`[https://bank.example](https://evil.example)`)
 * gets the host it really goes to written after it, as text: the reader sees where a click leads.
 * Links with words for text, and autolinks, stay as they are.
 */
export function revealLinkTargets(md: Markdown): void {
  md.core.ruler.push('reveal_link_targets', (state) => {
    for (const block of state.tokens) {
      const children = block.children
      if (block.type !== 'inline' || !children) continue
      for (let i = 0; i < children.length; i++) {
        const open = children[i]
        if (open?.type !== 'link_open') continue
        let close = i + 1
        let text = ''
        for (; close < children.length && children[close]?.type !== 'link_close'; close++) text += children[close]?.content ?? ''
        const href = String(open.attrGet('href') ?? '')
        const claimed = claimedHost(text)
        const target = hostOf(href)
        if (!claimed || !target || claimed === target) continue
        const note = new state.Token('text', '', 0)
        note.content = ` (${new URL(href).host})`
        children.splice(close + 1, 0, note)
      }
    }
  })
}
