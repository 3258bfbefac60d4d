// Inside the shadow root: the page's CSS cannot reach in, ours cannot leak out. Sites theme the
// widget through custom properties, which do cross the shadow boundary:
//   --engawa-fg, --engawa-bg, --engawa-muted, --engawa-accent, --engawa-line, --engawa-font, --engawa-radius
export const CSS = `
:host{all:initial;display:block;contain:content}
.e{--fg:var(--engawa-fg,#1d1d1f);--bg:var(--engawa-bg,transparent);--mu:var(--engawa-muted,#5a5f66);--ac:var(--engawa-accent,#0b57d0);
--ln:var(--engawa-line,#d0d4d9);--hl:#fff4c2;--er:#b3261e;--pb:#fff;--r:var(--engawa-radius,8px);color:var(--fg);background:var(--bg);
font:var(--engawa-font,15px/1.6 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",sans-serif);max-width:100%;overflow-wrap:anywhere}
.e.dark{--fg:var(--engawa-fg,#e8eaed);--mu:var(--engawa-muted,#aeb3ba);--ac:var(--engawa-accent,#a8c7fa);--ln:var(--engawa-line,#474c53);--hl:#4a4220;--er:#f2b8b5;--pb:#202124}
*{box-sizing:border-box}
h2{font-size:1.15em;margin:0}
.bar{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center;justify-content:space-between;margin:0 0 1em}
button,select,input,textarea{font:inherit;color:inherit}
button{cursor:pointer;border:1px solid var(--ln);background:none;border-radius:var(--r);padding:.3em .8em;min-height:2.2em}
button.p{background:var(--ac);border-color:var(--ac);color:#fff}
.dark button.p{color:#111}
button.l{border:0;padding:.2em .35em;color:var(--mu);min-height:0}
button[aria-pressed=true]{color:var(--ac);font-weight:700}
select{border:1px solid var(--ln);border-radius:var(--r);padding:.25em;background:none}
:focus-visible{outline:3px solid var(--ac);outline-offset:2px}
form{margin:0 0 1.2em}
label{display:block;font-size:.9em;color:var(--mu);margin:.3em 0}
input,textarea{display:block;width:100%;border:1px solid var(--ln);border-radius:var(--r);padding:.5em .6em;background:none}
textarea{min-height:6em;resize:vertical}
input[type=checkbox],input[type=radio]{display:inline;width:auto;margin:0 .3em 0 0}
.row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin-top:.5em}
.hint{font-size:.8em;color:var(--mu)}
.err{color:var(--er);font-weight:600;margin:.4em 0}
.pv{border:1px dashed var(--ln);border-radius:var(--r);padding:.5em .8em;margin-top:.5em}
ol{list-style:none;margin:0;padding:0}
li{margin:0}
article{padding:.6em 0 .2em;border-top:1px solid var(--ln);scroll-margin-top:4em}
ol ol article{border-top:0}
ol ol{padding-left:1.1em;border-left:2px solid var(--ln);margin-left:.3em}
.flat>ol{padding-left:0;border-left:0;margin-left:0}
header{display:flex;flex-wrap:wrap;gap:.2em .6em;align-items:baseline;font-size:.92em}
.au{font-weight:700}
header a,.to{color:var(--mu);text-decoration:none;font-size:.9em}
header a:hover{text-decoration:underline}
.au a{color:inherit;font-size:1em}
header a:focus-visible::after{content:" · " attr(title)}
.body{margin:.2em 0}
.body p{margin:.4em 0}
.body pre{overflow:auto;padding:.5em;border-radius:var(--r);background:rgba(127,127,127,.12)}
.body code{font-size:.92em}
.body blockquote{margin:.4em 0;padding-left:.8em;border-left:3px solid var(--ln);color:var(--mu)}
.body a{color:var(--ac)}
.note{font-style:italic;color:var(--mu)}
.acts{display:flex;flex-wrap:wrap;gap:.2em;align-items:center;font-size:.88em}
.sc{min-width:1.5em;text-align:center;color:var(--mu)}
.rx{min-width:1.7em;min-height:1.7em}
.hl>article{background:var(--hl);border-radius:var(--r);padding-left:.5em;transition:background 2s}
.more{margin:.6em 0}
.nw{position:sticky;top:.5em;height:0;z-index:1;display:flex;justify-content:center}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.empty{color:var(--mu);padding:1em 0}
.hp{position:absolute;left:-9999px;width:1px;height:1px;opacity:0}
.pin{font-size:.85em;color:var(--ac);font-weight:600}
.bd{font-size:.78em;font-weight:700;color:var(--ac);border:1px solid var(--ac);border-radius:999px;padding:0 .5em}
.hint a{color:var(--ac)}
.acts select{font-size:.95em;color:var(--mu)}
.av{display:inline-grid;place-items:center;width:2em;height:2em;border-radius:50%;color:#fff;font-size:.8em;font-weight:700;line-height:1;align-self:center;flex:none}
.body.fold{max-height:19.2em;overflow:hidden}
.acts{position:relative}
.menu{position:absolute;z-index:2;top:100%;display:flex;flex-direction:column;min-width:10em;background:var(--pb);border:1px solid var(--ln);border-radius:var(--r);padding:.25em;box-shadow:0 2px 8px rgba(0,0,0,.25)}
.menu button{border:0;text-align:start}
.menu [aria-disabled=true]{color:var(--mu);cursor:default}
fieldset{border:1px solid var(--ln);border-radius:var(--r);margin:.5em 0;padding:.3em .8em}
legend{font-weight:600;padding:0 .3em}
.rp label{color:inherit}
[aria-invalid=true]{border-color:var(--er)}
.ph{min-height:19.6em}
.ph.in{min-height:14.8em}
`

/**
 * Styles the shadow root with a constructed stylesheet: a host page whose Content-Security-Policy
 * has no style-src 'unsafe-inline' blocks a <style> element, but not a sheet made in script.
 * Browsers without constructable stylesheets (before 2023) get the <style> element.
 */
export function styleShadow(shadow: ShadowRoot, more = ''): void {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(CSS + more)
    shadow.adoptedStyleSheets = [sheet]
  } else {
    const style = document.createElement('style')
    style.textContent = CSS + more
    shadow.append(style)
  }
}
