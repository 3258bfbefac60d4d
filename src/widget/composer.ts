// Writing a comment, built as its own file (write.js): the widget paints the comments first and
// fetches this right after, so a page's first paint waits for nothing a reader has not asked for.
import type { Api, Comment } from './api.ts'
import { mentionable, withMentions } from './mention-suggest.ts'
import { h } from './dom.ts'
import { explain } from './errors.ts'
import { graphemes } from './graphemes.ts'
import type { Translator } from './i18n.ts'
import type { Store } from './storage.ts'

const en = {
  name: 'Your name',
  body: 'Your comment',
  markdownHint: 'Markdown: **bold**, *italic*, [link](https://…), `code`, > quote',
  preview: 'Preview',
  write: 'Write',
  emailMe: 'Email me replies',
  email: 'Your email (only for reply notifications; never shown)',
  needBody: 'Write your comment first.',
  needName: 'Enter a name to comment as a guest.',
  needEmail: 'Enter the address for reply mail, or untick “Email me replies”.',
  charLeft: '{n} character left',
  charsLeft: '{n} characters left',
  charOver: '{n} character too many',
  charsOver: '{n} characters too many',
  mentions: 'People in this discussion',
}

const ja: typeof en = {
  name: 'お名前',
  body: 'コメント',
  markdownHint: 'Markdown: **太字**、*斜体*、[リンク](https://…)、`コード`、> 引用',
  preview: 'プレビュー',
  write: '編集に戻る',
  emailMe: '返信をメールで受け取る',
  email: 'メールアドレス（返信の通知のみに使用・非公開）',
  needBody: 'コメントを入力してください。',
  needName: 'ゲストとしてコメントするには名前を入力してください。',
  needEmail: '返信通知を受け取るアドレスを入力するか、「返信をメールで受け取る」のチェックを外してください。',
  charLeft: '残り {n} 文字',
  charsLeft: '残り {n} 文字',
  charOver: '{n} 文字オーバー',
  charsOver: '{n} 文字オーバー',
  mentions: 'このディスカッションの参加者',
}

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
  /** The site's length limit, once known. */
  maxLength(): number | undefined
  /**
   * Puts server-sanitised HTML into an element: the first file's own, whose Trusted Types policy
   * (`engawa`) may exist only once on a page; a second copy here would be refused.
   */
  setServerHtml(element: HTMLElement, html: string): void
  /** The comments on the page, whose account authors @ suggests. */
  shown?: ReadonlyMap<string, { comment: Comment }>
}

/** Characters as the server counts them: graphemes, after blank lines at the ends and trailing spaces go. */
export function countCharacters(body: string): number {
  const kept = body.replace(/^(?:[ \t\f\v]*\r?\n)+/, '').trimEnd()
  return graphemes(kept).length
}

/** The counter appears from this share of the limit on. */
const COUNTER_FROM = 0.8

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
  const words = t.lang === 'ja' ? ja : en
  const say = (key: keyof typeof en, n = 0) => words[key].replace('{n}', String(n))
  const uid = Math.random().toString(36).slice(2, 8)
  const text = h('textarea', { id: `b${uid}`, name: 'body', required: true, 'aria-describedby': `h${uid} c${uid} be${uid}` }) as HTMLTextAreaElement
  text.value = o.store.draft(o.slot) || o.initial || ''
  const name = h('input', { id: `n${uid}`, name: 'name', autocomplete: 'nickname', maxlength: 50, required: true, 'aria-describedby': `ne${uid}` }) as HTMLInputElement
  name.value = o.store.guestName()
  // A field people never see or reach; form-filling robots fill it, and the server files their post as spam.
  const trap = h('input', { name: 'website', tabindex: -1, autocomplete: 'off', 'aria-hidden': 'true', class: 'hp' }) as HTMLInputElement
  const error = h('p', { class: 'err', role: 'alert', hidden: true })
  const counter = h('p', { class: 'hint', id: `c${uid}`, hidden: true })
  // Says what a field lacks beside it; the field is marked invalid until it is typed in.
  const fieldError = (id: string) => h('p', { class: 'err', id, hidden: true })
  const bodyError = fieldError(`be${uid}`)
  const nameError = fieldError(`ne${uid}`)
  const emailError = fieldError(`ee${uid}`)
  const preview = h('div', { class: 'pv body', hidden: true, 'aria-live': 'polite' })
  // Mail about replies: a checkbox, and for a guest the address it goes to (confirmed by mail first).
  const email = h('input', { id: `e${uid}`, type: 'email', autocomplete: 'email', maxlength: 254, 'aria-describedby': `ee${uid}` }) as HTMLInputElement
  const emailRow = h('div', { hidden: true }, h('label', { for: `e${uid}` }, say('email')), email, emailError)
  const wantsMail = h('input', { type: 'checkbox', onchange: () => (emailRow.hidden = !o.asGuest || !wantsMail.checked) }) as HTMLInputElement
  const send = h('button', { type: 'submit', class: 'p' }, o.submitLabel) as HTMLButtonElement
  const toggle = h('button', { type: 'button', 'aria-pressed': 'false' }, say('preview')) as HTMLButtonElement
  const form = h(
    'form',
    { novalidate: true },
    o.asGuest && h('label', { for: `n${uid}` }, say('name')),
    o.asGuest && name,
    o.asGuest && nameError,
    trap,
    h('label', { for: `b${uid}` }, say('body')),
    withMentions(text, () => mentionable(o.shown?.values() ?? []), `m${uid}`, say('mentions')),
    bodyError,
    counter,
    h('p', { class: 'hint', id: `h${uid}` }, say('markdownHint')),
    o.offersMail && h('label', {}, wantsMail, ' ', say('emailMe')),
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
  const mark = (field: HTMLElement, message: HTMLElement, why: string) => {
    message.textContent = why
    message.hidden = !why
    if (why) field.setAttribute('aria-invalid', 'true')
    else field.removeAttribute('aria-invalid')
  }
  /** Characters left, once the text nears the site's limit; false when it is over. */
  const count = (): boolean => {
    const limit = o.maxLength()
    const n = countCharacters(text.value)
    counter.hidden = !limit || n < limit * COUNTER_FROM
    if (!limit) return true
    counter.textContent = n > limit ? say(n - limit === 1 ? 'charOver' : 'charsOver', n - limit) : say(limit - n === 1 ? 'charLeft' : 'charsLeft', limit - n)
    counter.classList.toggle('err', n > limit)
    return n <= limit
  }
  text.addEventListener('input', () => {
    o.store.setDraft(o.slot, text.value)
    mark(text, bodyError, '')
    count()
  })
  text.addEventListener('focus', count)
  name.addEventListener('input', () => {
    o.store.setGuestName(name.value)
    mark(name, nameError, '')
  })
  email.addEventListener('input', () => mark(email, emailError, ''))
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
    toggle.textContent = say(on ? 'write' : 'preview')
    preview.hidden = !on
    if (!on) return
    try {
      // The server's own renderer: the preview is exactly what would be stored.
      o.setServerHtml(preview, (await o.api.preview(text.value || ' ')).html)
    } catch (e) {
      preview.textContent = explain(t, e)
    }
  })
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const notify = wantsMail.checked ? (o.asGuest ? email.value.trim() : '') : null
    const missing = (
      [
        [o.asGuest && !name.value.trim(), name, nameError, 'needName'],
        [!text.value.trim(), text, bodyError, 'needBody'],
        [notify === '' && o.asGuest, email, emailError, 'needEmail'],
      ] as const
    ).filter(([lacks]) => lacks)
    for (const [, field, message, why] of missing) mark(field, message, say(why))
    if (missing[0]) return missing[0][1].focus()
    if (!count()) {
      showError(t.t('tooLongN', { n: o.maxLength() ?? 0 }))
      return text.focus()
    }
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
      count()
    } catch (err) {
      showError(explain(t, err, o.maxLength()))
    } finally {
      send.disabled = false
    }
  })
  return form
}
