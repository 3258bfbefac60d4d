import { ApiError, type Api } from './api.ts'
import { h } from './dom.ts'
import { setServerHtml } from './trusted-html.ts'
import type { Translator } from './i18n.ts'
import type { Store } from './storage.ts'

export interface ComposerOptions {
  t: Translator
  api: Api
  store: Store
  /** Where the draft is kept: 'new', 'reply:ID' or 'edit:ID'. */
  slot: string
  initial?: string
  /** Show the guest name field (not signed in). */
  asGuest: boolean
  submitLabel: string
  /** Offer "Email me replies" (new comments and replies, not edits). */
  offersMail?: boolean
  /**
   * `notify`: the address to mail replies to (a guest's), '' for an account's own, null for none; `attempt`: a key for this
   * submission, the same while the reader sends the same text again after a failure, so the server never posts it twice.
   */
  submit(body: string, guestName: string | null, honeypot: string, notify: string | null, attempt: string): Promise<void>
  cancel?: () => void
}

/** Words a reader understands for what went wrong; what they typed always stays. */
export function explain(t: Translator, error: unknown): string {
  if (!(error instanceof ApiError)) return t.t('failed')
  const known: Record<string, Parameters<Translator['t']>[0]> = {
    offline: 'offline',
    comment_too_long: 'tooLong',
    rate_limited: 'rateLimited',
    thread_locked: 'closed',
    guests_not_allowed: 'signInToComment',
    banned: 'banned',
    too_many_links: 'tooManyLinks',
  }
  const key = known[error.code]
  if (key) return t.t(key)
  return t.lang === 'en' && error.status < 500 && error.message ? error.message : t.t('failed')
}

/** 128 random bits, in hex; crypto.randomUUID() exists only on https pages. */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * A comment form: guest name (remembered), Markdown text with a server-rendered preview, a
 * draft kept in session storage on every keystroke. Ctrl/Cmd+Enter submits; Enter never does,
 * so confirming an IME conversion cannot send a half-typed comment.
 */
export function composer(o: ComposerOptions): HTMLFormElement {
  const { t } = o
  const uid = Math.random().toString(36).slice(2, 8)
  const text = h('textarea', { id: `b${uid}`, name: 'body', required: true, 'aria-describedby': `h${uid}` }) as HTMLTextAreaElement
  text.value = o.store.draft(o.slot) || o.initial || ''
  const name = h('input', { id: `n${uid}`, name: 'name', autocomplete: 'nickname', maxlength: 50, required: true }) as HTMLInputElement
  name.value = o.store.guestName()
  // A field people never see or reach; form-filling robots fill it, and the server files their post as spam.
  const trap = h('input', { name: 'website', tabindex: -1, autocomplete: 'off', 'aria-hidden': 'true', class: 'hp' }) as HTMLInputElement
  const error = h('p', { class: 'err', role: 'alert', hidden: true })
  const preview = h('div', { class: 'pv body', hidden: true, 'aria-live': 'polite' })
  // Mail about replies: a checkbox, and for a guest the address it goes to (confirmed by mail first).
  const email = h('input', { id: `e${uid}`, type: 'email', autocomplete: 'email', maxlength: 254 }) as HTMLInputElement
  const emailRow = h('div', { hidden: true }, h('label', { for: `e${uid}` }, t.t('email')), email)
  const wantsMail = h('input', { type: 'checkbox', onchange: () => (emailRow.hidden = !o.asGuest || !wantsMail.checked) }) as HTMLInputElement
  const send = h('button', { type: 'submit', class: 'p' }, o.submitLabel) as HTMLButtonElement
  const toggle = h('button', { type: 'button', 'aria-pressed': 'false' }, t.t('preview')) as HTMLButtonElement
  const form = h(
    'form',
    { novalidate: true },
    o.asGuest && h('label', { for: `n${uid}` }, t.t('name')),
    o.asGuest && name,
    trap,
    h('label', { for: `b${uid}` }, t.t('body')),
    text,
    h('p', { class: 'hint', id: `h${uid}` }, t.t('markdownHint')),
    o.offersMail && h('label', {}, wantsMail, ' ', t.t('emailMe')),
    o.offersMail && emailRow,
    preview,
    error,
    h('div', { class: 'row' }, send, toggle, o.cancel && h('button', { type: 'button', onclick: () => o.cancel?.() }, t.t('cancel'))),
  ) as HTMLFormElement

  // The submission being sent: its key stays while the same text is sent again (a lost answer may have been a stored comment).
  let attempt: { what: string; key: string } | undefined
  const showError = (message: string) => {
    error.textContent = message
    error.hidden = !message
  }
  text.addEventListener('input', () => o.store.setDraft(o.slot, text.value))
  name.addEventListener('input', () => o.store.setGuestName(name.value))
  name.addEventListener('keydown', (e) => e.key === 'Enter' && e.preventDefault())
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault()
      form.requestSubmit()
    }
  })
  toggle.addEventListener('click', async () => {
    const on = toggle.getAttribute('aria-pressed') !== 'true'
    toggle.setAttribute('aria-pressed', String(on))
    toggle.textContent = t.t(on ? 'write' : 'preview')
    preview.hidden = !on
    if (!on) return
    try {
      // The server's own renderer: the preview is exactly what would be stored.
      setServerHtml(preview, (await o.api.preview(text.value || ' ')).html)
    } catch (e) {
      preview.textContent = explain(t, e)
    }
  })
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    if (!text.value.trim()) return text.focus()
    if (o.asGuest && !name.value.trim()) return name.focus()
    const notify = wantsMail.checked ? (o.asGuest ? email.value.trim() : '') : null
    if (notify === '' && o.asGuest) return email.focus()
    showError('')
    send.disabled = true
    const what = JSON.stringify([text.value, name.value, notify])
    if (attempt?.what !== what) attempt = { what, key: randomKey() }
    try {
      await o.submit(text.value, o.asGuest ? name.value.trim() : null, trap.value, notify, attempt.key)
      attempt = undefined
      o.store.setDraft(o.slot, '')
      text.value = ''
      preview.hidden = true
    } catch (err) {
      showError(explain(t, err))
    } finally {
      send.disabled = false
    }
  })
  return form
}
