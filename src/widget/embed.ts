import { pickLang } from './i18n.ts'
import { mount } from './widget.ts'

// <script src="https://comments.example/embed.js" data-site="SITE" async></script>
// Optional: data-key (the page's stable id), data-url, data-title, data-lang (en, ja),
// data-theme (light, dark), data-poll-seconds (where live updates are unavailable, as on
// Workers: how often to look for new comments; 15 by default, 2 at least), data-sso (a
// sign-in token the site's server made for its signed-in user, or empty when nobody is signed
// in there: see the README). The comments go into <div id="engawa"> if the page has one,
// otherwise right after the script tag. Pages that sign users in and out without a reload call
// `window.Engawa.signInBySso(token)` and `window.Engawa.signOut()` (both return promises).
// data-view="community" shows the site's discussions instead of a thread (data-tab: latest,
// active or threads; data-period: day, week or month), and data-view="profile" data-user="…" a
// reader's profile, from a module fetched for them alone.
declare const BUILD: string
const script = document.currentScript as HTMLScriptElement | null
const data = script?.dataset
if (script && data?.site) {
  let host = document.getElementById('engawa')
  if (!host) {
    host = document.createElement('div')
    host.id = 'engawa'
    script.after(host)
  }
  const base = new URL(script.src).origin
  const lang = pickLang(data.lang ?? document.documentElement.lang)
  if (data.view === 'community' || data.view === 'profile') {
    const at = host
    import(/* @vite-ignore */ `${base}/community.js?v=${BUILD}`).then(
      (module: typeof import('./community.ts')) => module.mountCommunity({ base, site: data.site ?? '', host: at, lang, theme: data.theme, tab: data.tab, period: data.period, user: data.view === 'profile' ? data.user : undefined }),
      (e: unknown) => console.error('Engawa: the community view could not be loaded.', e),
    )
  } else
    (window as unknown as { Engawa: unknown }).Engawa = mount({
      base,
      site: data.site,
      page: {
        url: data.url ?? location.origin + location.pathname + location.search,
        title: data.title ?? document.title,
        ...(data.key ? { key: data.key } : {}),
      },
      host,
      lang,
      theme: data.theme,
      pollMs: Math.max(2, Number(data.pollSeconds) || 15) * 1000,
      sso: data.sso,
    })
} else console.error('Engawa: the embed script needs data-site="…" (your site id).')
