// <script src="https://comments.example/count.js" data-site="SITE" async></script>
// fills every <span data-engawa-count="KEY_OR_URL"> with "N comments" (or "コメント N 件" on a
// Japanese page), in one request for the whole page. A value starting with http or / is a URL.
const script = document.currentScript as HTMLScriptElement | null
const site = script?.dataset.site
const spans = [...document.querySelectorAll<HTMLElement>('[data-engawa-count]')]
if (script && site && spans.length > 0) {
  const ja = (script.dataset.lang ?? document.documentElement.lang).startsWith('ja')
  const plural = new Intl.PluralRules(ja ? 'ja' : 'en')
  const label = (n: number) => (ja ? `コメント ${n} 件` : `${n} ${plural.select(n) === 'one' ? 'comment' : 'comments'}`)
  const query = spans
    .map((span) => {
      const value = span.dataset.engawaCount ?? ''
      return /^(https?:|\/)/.test(value) ? `url=${encodeURIComponent(new URL(value, location.href).href)}` : `key=${encodeURIComponent(value)}`
    })
    .join('&')
  fetch(`${new URL(script.src).origin}/api/v1/sites/${site}/counts?${query}`)
    .then((res) => res.json())
    .then((body: { counts: Array<{ count: number }> }) => body.counts.forEach((c, i) => spans[i] && (spans[i].textContent = label(c.count))))
    .catch(() => undefined)
}
