/** What a Trusted Types policy is, for browsers whose types this project's TypeScript lacks. */
interface HtmlPolicy {
  createHTML(html: string): unknown
}

let policy: HtmlPolicy | null | undefined

/**
 * The widget's own Trusted Types policy, `engawa`, made once. A page that enforces Trusted Types
 * (require-trusted-types-for 'script') must let it exist (`trusted-types engawa`); one that does
 * not leaves it null, and so does a browser without Trusted Types.
 */
function htmlPolicy(): HtmlPolicy | null {
  if (policy !== undefined) return policy
  const factory = (window as unknown as { trustedTypes?: { createPolicy(name: string, rules: { createHTML(s: string): string }): HtmlPolicy } }).trustedTypes
  try {
    // The HTML was rendered and sanitised by the server when the comment was written (markdown/render.ts).
    policy = factory?.createPolicy('engawa', { createHTML: (html) => html }) ?? null
  } catch {
    policy = null
  }
  return policy
}

/**
 * The one way HTML enters the widget: comment bodies and previews, as the server sanitised them.
 * Where the page allows no policy of ours, the text still shows, without its markup.
 */
export function setServerHtml(element: HTMLElement, html: string): void {
  const trusted = htmlPolicy()
  try {
    element.innerHTML = (trusted ? trusted.createHTML(html) : html) as string
  } catch {
    element.textContent = html
      .replace(/<br\s*\/?>|<\/p>/g, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '')
      .trim()
  }
}
