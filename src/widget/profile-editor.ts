// profile.js: a signed-in reader's own profile on the site, loaded once they sign in. "Profile"
// in the account row opens a short form: whether their name links to their profile, and a few
// words about themselves on this site.
import { callApi, isApiError } from './api.ts'
import { explain } from './errors.ts'
import type { Context } from './context.ts'
import { h } from './dom.ts'

const BIO_MAX = 300

const WORDS = {
  en: {
    profile: 'Profile', shown: 'Show my profile: my name links to a page of my comments', bio: 'About you, on this site', saved: 'Saved.', save: 'Save',
    hidden: 'A moderator hid your bio. Readers see it again once you change it.', off: 'This site does not show profiles.', see: 'See your profile', left: '{n} characters left',
    failed: 'Your profile could not be loaded. Try again.',
  },
  ja: {
    profile: 'プロフィール', shown: 'プロフィールを公開する（名前からコメント一覧のページへ移動できます）', bio: '自己紹介（このサイトで表示）', saved: '保存しました。', save: '保存',
    hidden: 'モデレーターが自己紹介を非表示にしました。書き直すと再び表示されます。', off: 'このサイトはプロフィールを表示しません。', see: 'プロフィールを見る', left: '残り {n} 文字',
    failed: 'プロフィールを読み込めませんでした。もう一度お試しください。',
  },
}

interface OwnProfile {
  profile: { id: string; bio: string; bioHidden?: boolean; public?: boolean; shown?: boolean }
}

const shown = new WeakMap<Context, { userId: string | undefined; close(): void }>()

/** Draws the profile button in `slot` (the account row's place for it), once per widget. */
export function offerProfile(ctx: Context, slot: HTMLElement, base: string, site: string): void {
  const installed = shown.get(ctx)
  if (installed) {
    // Another reader signed in: what the form showed was the last one's.
    if (installed.userId !== ctx.state.user?.id) {
      installed.userId = ctx.state.user?.id
      installed.close()
    }
    return
  }
  const words = WORDS[ctx.t.lang]
  const root = `${base}/api/v1`
  const call = <T>(path: string, init?: RequestInit) => callApi<T>(root, ctx.store.session(), path, init)
  const put = (path: string, body: unknown) => call<unknown>(path, { method: 'PUT', body: JSON.stringify(body) })

  // A region, not a <form>: the page's forms are the composers.
  const panel = h('div', { class: 'menu', role: 'region', 'aria-label': words.profile, onkeydown: (event: Event) => (event as KeyboardEvent).key === 'Escape' && (close(), button.focus()) })
  const button = h('button', { type: 'button', class: 'l', 'aria-expanded': 'false', onclick: toggle }) as HTMLButtonElement
  button.textContent = words.profile
  slot.style.position = 'relative'
  // Wide enough to write in, opening leftwards from the end of the account row (which ends it).
  Object.assign(panel.style, { width: 'min(22em, 85vw)', insetInlineEnd: '0', padding: '.6em' })
  slot.replaceChildren(button, panel)
  let open = false
  draw()

  function draw() {
    button.setAttribute('aria-expanded', String(open))
    // Through the CSSOM: the menu's own display would outrank the hidden attribute.
    panel.hidden = !open
    panel.style.display = open ? '' : 'none'
  }

  function close() {
    open = false
    panel.replaceChildren()
    draw()
  }

  async function toggle() {
    if (open) return close()
    open = true
    draw()
    const id = ctx.state.user?.id
    if (!id) return close()
    let own: OwnProfile
    try {
      own = await call<OwnProfile>(`/sites/${encodeURIComponent(site)}/profiles/${id}`)
    } catch (e) {
      panel.replaceChildren(h('p', { class: 'err', role: 'alert' }, isApiError(e) && e.status === 401 ? ctx.t.t('signIn') : words.failed))
      return
    }
    fill(own.profile)
  }

  function fill(profile: OwnProfile['profile']) {
    const check = h('input', { type: 'checkbox', id: 'pf-shown', name: 'shown', checked: Boolean(profile.shown) }) as HTMLInputElement
    const bio = h('textarea', { id: 'pf-bio', name: 'bio', maxlength: BIO_MAX, rows: 3, 'aria-describedby': 'pf-left' }) as HTMLTextAreaElement
    bio.value = profile.bio
    const left = h('span', { id: 'pf-left', class: 'hint', 'aria-live': 'polite' })
    const count = () => (left.textContent = words.left.replace('{n}', String(BIO_MAX - [...bio.value].length)))
    bio.addEventListener('input', count)
    count()
    const link = `${base}/s/${encodeURIComponent(site)}/u/${profile.id}`
    panel.replaceChildren(
      h('label', {}, check, words.shown),
      ...(profile.shown && !profile.public ? [h('p', { class: 'hint' }, words.off)] : []),
      h('label', { for: 'pf-bio' }, words.bio),
      bio,
      left,
      ...(profile.bioHidden ? [h('p', { class: 'hint' }, words.hidden)] : []),
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'p', onclick: save }, words.save), profile.public ? h('a', { href: link, target: '_blank', rel: 'noopener' }, words.see) : null),
      h('p', { class: 'err', role: 'alert' }),
    )
    bio.focus()
  }

  async function save() {
    const check = panel.querySelector<HTMLInputElement>('#pf-shown')
    const bio = panel.querySelector<HTMLTextAreaElement>('#pf-bio')
    const error = panel.querySelector('.err')
    if (!check || !bio || !error) return
    error.textContent = ''
    try {
      // One after the other: a bio refused leaves the switch as it was.
      await put(`/sites/${encodeURIComponent(site)}/profile`, { bio: bio.value })
      await put('/me/profile', { public: check.checked })
    } catch (e) {
      error.textContent = explain(ctx.t, e)
      return
    }
    ctx.announce(words.saved)
    close()
    button.focus()
    // Names on the page link to the profile, or stop linking, as the reader now chose.
    void ctx.load()
  }

  shown.set(ctx, { userId: ctx.state.user?.id, close })
}
