import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const REL = 'nofollow ugc noopener noreferrer'
const FORBIDDEN_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'style', 'svg', 'img', 'math', 'form', 'meta', 'base', 'link'])
const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 's', 'del', 'a', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'h4', 'h5', 'h6', 'img'])
const ALLOWED_ATTRIBUTES = new Set(['href', 'rel', 'class', 'start', 'src', 'alt', 'title', 'loading', 'referrerpolicy'])
const SAFE_HREF = /^(https?:\/\/|mailto:)/i
const SAFE_SRC = /^https?:\/\//i

interface Tag {
  name: string
  attrs: Map<string, string>
}

/**
 * The opening tags of sanitiser output. Every `<` must begin a well-formed tag whose attributes
 * are all `name="value"`: anything looser (a stray `<`, a comment, CDATA) throws.
 */
function parseTags(html: string): Tag[] {
  const tags: Tag[] = []
  const tag = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*="[^"<>]*")*)\s*\/?>/y
  for (let at = html.indexOf('<'); at !== -1; at = html.indexOf('<', at + 1)) {
    tag.lastIndex = at
    const match = tag.exec(html)
    if (!match) throw new Error(`not a well-formed tag at ${at}: ${html.slice(at, at + 60)}`)
    if (match[1]) continue
    const attrs = new Map<string, string>()
    for (const [, name = '', value = ''] of (match[3] ?? '').matchAll(/\s+([a-z][a-z-]*)="([^"]*)"/g)) {
      if (attrs.has(name)) throw new Error(`duplicate ${name} in ${match[0]}`)
      attrs.set(name, value)
    }
    tags.push({ name: match[2] ?? '', attrs })
  }
  return tags
}

function expectSafe(html: string, { images = false } = {}) {
  for (const { name, attrs } of parseTags(html)) {
    const where = `<${name}> in ${html}`
    expect(FORBIDDEN_TAGS.has(name) && !(images && name === 'img'), where).toBe(false)
    expect(ALLOWED_TAGS.has(name), where).toBe(true)
    for (const attr of attrs.keys()) {
      expect(attr.startsWith('on'), `${attr} on ${where}`).toBe(false)
      expect(ALLOWED_ATTRIBUTES.has(attr), `${attr} on ${where}`).toBe(true)
    }
    const href = attrs.get('href')
    if (href !== undefined) expect(href, where).toMatch(SAFE_HREF)
    if (name === 'a') {
      expect(href, where).toBeDefined()
      expect(attrs.get('rel'), where).toBe(REL)
    }
    if (name === 'img') expect(attrs.get('src') ?? '', where).toMatch(SAFE_SRC)
  }
}

async function preview(t: TestApp, body: string, allowsImages?: boolean): Promise<string> {
  const res = await t.post('/api/v1/preview', allowsImages === undefined ? { body } : { body, allowsImages })
  const json = await res.json()
  expect(res.status, JSON.stringify(json)).toBe(200)
  return json.html
}

async function storedHtml(t: TestApp, id: string): Promise<string> {
  const row = await t.db.selectFrom('comments').select('body_html').where('site_id', '=', t.site.id).where('id', '=', id).executeTakeFirstOrThrow()
  return row.body_html
}

/** Previews and posts one body; both must give the same HTML, which is returned. */
async function renderBothWays(t: TestApp, body: string): Promise<string> {
  const previewed = await preview(t, body)
  const posted = await postGuest(t, body)
  expect(await storedHtml(t, posted.id)).toBe(previewed)
  return previewed
}

const XSS = 'alert(1)'
const hostile: Array<{ case: string; body: string }> = [
  { case: 'a script tag', body: `<script>${XSS}</script>` },
  { case: 'an upper-case script tag', body: `<SCRIPT>${XSS}</SCRIPT>` },
  { case: 'a mixed-case script tag', body: `<ScRiPt>${XSS}</sCrIpT>` },
  { case: 'a script with src', body: '<script src="https://evil.example/x.js"></script>' },
  { case: 'a script split by a script', body: `<scr<script>ipt>${XSS}</script>` },
  { case: 'an img onerror', body: `<img src=x onerror=${XSS}>` },
  { case: 'a body onload', body: `<body onload=${XSS}>` },
  { case: 'a div onmouseover', body: `<div onmouseover="${XSS}">hover</div>` },
  { case: 'details ontoggle', body: `<details open ontoggle=${XSS}>` },
  { case: 'a custom tag with onclick', body: `<x onclick=${XSS}>x</x>` },
  { case: 'a raw <a href> to javascript:', body: `<a href="javascript:${XSS}">x</a>` },
  { case: 'a raw <a href> with onclick', body: `<a href="https://ok.example" onclick="${XSS}">x</a>` },
  { case: 'a raw protocol-relative <a href>', body: '<a href=//evil.example>x</a>' },
  { case: 'a javascript: link', body: `[x](javascript:${XSS})` },
  { case: 'a mixed-case javascript: link', body: `[x](JaVaScRiPt:${XSS})` },
  { case: 'an upper-case javascript: link', body: `[x](JAVASCRIPT:${XSS})` },
  { case: 'a javascript: link after a space', body: `[x]( javascript:${XSS})` },
  { case: 'a javascript: link in angle brackets', body: `[x](<javascript:${XSS}>)` },
  { case: 'a vbscript: link', body: '[x](vbscript:msgbox(1))' },
  { case: 'a data: link', body: '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)' },
  { case: 'a decimal-entity javascript: link', body: `[x](&#106;avascript:${XSS})` },
  { case: 'a hex-entity javascript: link', body: `[x](&#x6A;avascript:${XSS})` },
  { case: 'a &colon; javascript link', body: `[x](javascript&colon;${XSS})` },
  { case: 'a tab-split scheme', body: `[x](java\tscript:${XSS})` },
  { case: 'an entity-tab-split scheme', body: `[x](java&#09;script:${XSS})` },
  { case: 'a newline-split scheme', body: `[x](java\nscript:${XSS})` },
  { case: 'a control character before the scheme', body: `[x](\u0001javascript:${XSS})` },
  { case: 'a Cyrillic look-alike scheme', body: `[x](j\u0430vascript:${XSS})` },
  { case: 'a javascript: autolink', body: `<javascript:${XSS}>` },
  { case: 'a mixed-case javascript: autolink', body: `<JavaScript:${XSS}>` },
  { case: 'a vbscript: autolink', body: '<vbscript:msgbox(1)>' },
  { case: 'a javascript: reference link', body: `[x][r]\n\n[r]: javascript:${XSS}` },
  { case: 'a data: reference link', body: `[x]\n\n[x]: data:text/html,<script>${XSS}</script>` },
  { case: 'a protocol-relative link', body: '[x](//evil.example)' },
  { case: 'a slashless https:/logout link', body: '[x](https:/logout)' },
  { case: 'an image of javascript:', body: `![x](javascript:${XSS})` },
  { case: 'an https image on an image-less site', body: '![x](https://img.example/a.png)' },
  { case: 'an img inside link text', body: `[<img src=x onerror=${XSS}>](https://ok.example)` },
  { case: 'an iframe', body: '<iframe src="https://evil.example"></iframe>' },
  { case: 'an svg onload', body: `<svg onload=${XSS}>` },
  { case: 'a script inside svg', body: `<svg><script>${XSS}</script></svg>` },
  { case: 'a style tag', body: '<style>body{display:none}</style>' },
  { case: 'object and embed', body: '<object data="x.swf"></object><embed src="x.swf">' },
  { case: 'a math/style mutation', body: `<math><mtext><table><mglyph><style><img src=x onerror=${XSS}>` },
  { case: 'a form with a javascript: action', body: `<form action="javascript:${XSS}"><button>x</button></form>` },
  { case: 'a meta refresh', body: `<meta http-equiv="refresh" content="0;url=javascript:${XSS}">` },
  { case: 'a base href', body: `<base href="javascript:${XSS}//">` },
  { case: 'an HTML comment', body: `<!-- <script>${XSS}</script> -->` },
  { case: 'CDATA', body: `<![CDATA[<script>${XSS}</script>]]>` },
  { case: 'a script 20 quotes deep', body: `${'> '.repeat(20)}<script>${XSS}</script>` },
  { case: 'a javascript: link 20 quotes deep', body: `${'> '.repeat(20)}[x](javascript:${XSS})` },
  { case: 'an escaped script', body: `&lt;script&gt;${XSS}&lt;/script&gt;` },
  { case: 'a numeric-entity script', body: `&#60;script&#62;${XSS}&#60;/script&#62;` },
  { case: 'full-width look-alike brackets', body: `\uFF1Cscript\uFF1E${XSS}\uFF1C/script\uFF1E` },
  { case: 'a right-to-left override in a link', body: '[x](https://ok.example/\u202Eexe.txt)' },
  { case: 'a quote breaking out of href', body: `[x](https://ok.example" onmouseover="${XSS})` },
  { case: 'an escaped quote breaking out of title', body: `[x](https://ok.example "title\\" onmouseover=${XSS}")` },
  { case: 'a quote in a linkified URL', body: `https://ok.example/"onmouseover="${XSS}` },
  { case: 'markup in a link query', body: `[x](https://ok.example/?q="><script>${XSS}</script>)` },
  { case: 'markup in a code language', body: `\`\`\`"><script>${XSS}</script>\ncode\n\`\`\`` },
  { case: 'a script in a code block', body: `\`\`\`html\n<script>${XSS}</script>\n\`\`\`` },
  { case: 'many javascript: links', body: `[x](javascript:${XSS}) `.repeat(390) },
  { case: 'many script tags', body: `<script>${XSS}</script>`.repeat(350) },
  { case: 'an indented script (trimmed alike)', body: `    <script>${XSS}</script>\n` },
  { case: 'a long text ending in a script', body: `${'a'.repeat(9_000)}<script>${XSS}</script>` },
]

const friendly: Array<{ case: string; body: string; html: string }> = [
  { case: 'emphasis', body: 'Hello *world*, **bold** and ~~gone~~', html: '<p>Hello <em>world</em>, <strong>bold</strong> and <s>gone</s></p>' },
  { case: 'an https link', body: '[site](https://ok.example/a?b=1&c=2)', html: `<p><a href="https://ok.example/a?b=1&amp;c=2" rel="${REL}">site</a></p>` },
  { case: 'an http link', body: '[old](http://ok.example/)', html: `<p><a href="http://ok.example/" rel="${REL}">old</a></p>` },
  { case: 'a mailto link', body: '[write](mailto:aki@ok.example)', html: `<p><a href="mailto:aki@ok.example" rel="${REL}">write</a></p>` },
  { case: 'a bare URL', body: 'see https://ok.example/a', html: `<p>see <a href="https://ok.example/a" rel="${REL}">https://ok.example/a</a></p>` },
  { case: 'inline code', body: 'use `a < b` here', html: '<p>use <code>a &lt; b</code> here</p>' },
  { case: 'fenced code', body: '```ts\nconst a = 1 < 2\n```', html: '<pre><code class="language-ts">const a = 1 &lt; 2\n</code></pre>' },
  { case: 'a quote', body: '> quoted', html: '<blockquote>\n<p>quoted</p>\n</blockquote>' },
  { case: 'a list', body: '- one\n- two', html: '<ul>\n<li>one</li>\n<li>two</li>\n</ul>' },
  { case: 'a numbered list', body: '3. three\n4. four', html: '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' },
  { case: 'a line break', body: 'line one\nline two', html: '<p>line one<br />\nline two</p>' },
  { case: 'headings', body: '# One\n## Two\n### Three\n#### Four\n##### Five', html: '<h4>One</h4>\n<h4>Two</h4>\n<h4>Three</h4>\n<h4>Four</h4>\n<h5>Five</h5>' },
  // Links whose text reads as an address say where they really go when that is another host.
  { case: 'a URL that links elsewhere', body: '[https://127.0.0.2/safe](http://127.0.0.1:1/evil)', html: `<p><a href="http://127.0.0.1:1/evil" rel="${REL}">https://127.0.0.2/safe</a> (127.0.0.1:1)</p>` },
  { case: 'a domain that links elsewhere', body: 'Log in at [**bank.example**.](https://bank.example.evil.example/login)', html: `<p>Log in at <a href="https://bank.example.evil.example/login" rel="${REL}"><strong>bank.example</strong>.</a> (bank.example.evil.example)</p>` },
  { case: 'a domain that links to itself', body: '[www.ok.example](https://ok.example/a)', html: `<p><a href="https://ok.example/a" rel="${REL}">www.ok.example</a></p>` },
  { case: 'words that link anywhere', body: '[read this](https://elsewhere.example/)', html: `<p><a href="https://elsewhere.example/" rel="${REL}">read this</a></p>` },
]

const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'

forEachBackend((database) => {
  describe('rendering Markdown', () => {
    it.each(hostile)('neutralises $case in the preview and the stored comment alike', async ({ body }) => {
      const t = await startApp(database())
      const html = await renderBothWays(t, body)
      expectSafe(html)
      expect(html).not.toMatch(/<(script|iframe|svg|style|img)\b/i)
    })

    it.each(friendly)('renders $case', async ({ body, html }) => {
      const t = await startApp(database())
      expect(await renderBothWays(t, body)).toBe(html)
      expectSafe(html)
    })

    it('shows an http(s) image only when images are allowed, and stores what the preview showed', async () => {
      const t = await startApp(database())
      const body = '![cat](https://img.example/cat.png) ![dog](http://img.example/dog.png)'
      expect(await preview(t, body)).not.toContain('<img')
      expect(await preview(t, body, false)).not.toContain('<img')
      const html = await preview(t, body, true)
      expect(html).toBe(
        '<p><img src="https://img.example/cat.png" alt="cat" loading="lazy" referrerpolicy="no-referrer" /> ' +
          '<img src="http://img.example/dog.png" alt="dog" loading="lazy" referrerpolicy="no-referrer" /></p>',
      )
      await t.db.updateTable('sites').set({ allows_images: true }).where('id', '=', t.site.id).execute()
      const posted = await postGuest(t, body)
      expect(await storedHtml(t, posted.id)).toBe(html)
    })

    it.each([
      { case: 'javascript:', body: `![x](javascript:${XSS})` },
      { case: 'data:', body: '![x](data:image/png;base64,iVBORw0KGgo=)' },
      { case: 'protocol-relative', body: '![x](//img.example/a.png)' },
      { case: 'mailto:', body: '![x](mailto:aki@ok.example)' },
      { case: 'slashless https:', body: '![x](https:img.example/a.png)' },
      { case: 'an onerror in the title', body: `![x](https://img.example/a.png "t\\" onerror=${XSS}")` },
      { case: 'a raw img tag', body: `<img src="https://img.example/a.png" onerror="${XSS}">` },
    ])('allows images only from http(s), not from a $case source', async ({ body }) => {
      const t = await startApp(database())
      expectSafe(await preview(t, body, true), { images: true })
    })
  })

  describe('comment length', () => {
    it('counts characters as a reader does: 10 kanji or 10 family emoji fit in 10', async () => {
      const t = await startApp(database(), { site: { maxCommentLength: 10 } })
      await postGuest(t, '縁側でお茶を飲みます')
      await postGuest(t, family.repeat(10))
      expect(await t.count('comments')).toBe(2)
    })

    it.each([
      { case: '11 kanji', body: '縁側でお茶を飲みました' },
      { case: '11 family emoji', body: family.repeat(11) },
    ])('refuses $case on a 10-character site and writes nothing', async ({ body }) => {
      const t = await startApp(database(), { site: { maxCommentLength: 10 } })
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body))
      expect(res.status).toBe(422)
      expect((await res.json()).error.code).toBe('comment_too_long')
      expect(await t.count('comments')).toBe(0)
      expect(await t.count('threads')).toBe(0)
    })

    it.each([
      { case: 'an empty body', body: '' },
      { case: 'spaces', body: '   ' },
      { case: 'newlines and tabs', body: '\n\t\n' },
      { case: 'ideographic spaces', body: '\u3000\u3000' },
      { case: 'no-break spaces', body: '\u00A0\u00A0' },
    ])('refuses $case with invalid_request and writes nothing', async ({ body }) => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body))
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('invalid_request')
      expect(await t.count('comments')).toBe(0)
      expect(await t.count('threads')).toBe(0)
    })
  })
})
