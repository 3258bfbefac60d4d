/**
 * Light or dark: `data-theme` when the site says, otherwise whatever the page looks like (its
 * `color-scheme`, else how dark its background is, else the reader's system setting), followed
 * live when the page switches.
 */
export function followTheme(requested: string | undefined, apply: (dark: boolean) => void): void {
  if (requested === 'light' || requested === 'dark') return apply(requested === 'dark')
  const media = matchMedia('(prefers-color-scheme: dark)')
  const decide = () => apply(pageLooksDark() ?? media.matches)
  decide()
  media.addEventListener('change', decide)
  const observer = new MutationObserver(decide)
  for (const el of [document.documentElement, document.body])
    observer.observe(el, { attributes: true, attributeFilter: ['class', 'style', 'data-theme', 'data-color-scheme'] })
}

function pageLooksDark(): boolean | undefined {
  for (const el of [document.body, document.documentElement]) {
    const style = getComputedStyle(el)
    const scheme = style.colorScheme.trim()
    if (scheme === 'dark') return true
    if (scheme === 'light') return false
    const rgb = style.backgroundColor.match(/[\d.]+/g)?.map(Number)
    if (rgb && rgb.length >= 3 && (rgb[3] ?? 1) > 0.5) return (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255 < 0.5
  }
  return undefined
}
