// Reporting a comment, built as its own file (report.js) and loaded when a reader first opens a
// comment's menu: most readers never report anything, so their download stays without it.
import { isApiError, type Api, type ReportReason } from './api.ts'
import { h } from './dom.ts'
import type { Lang } from './i18n.ts'
import { openMenu } from './menu.ts'

const en = {
  report: 'Report…',
  reportTitle: 'Why report this comment?',
  spam: 'Spam or advertising',
  abuse: 'Abusive, hateful or harassing',
  'off-topic': 'Off-topic',
  other: 'Something else',
  reportNote: 'Anything the moderators should know (optional)',
  sendReport: 'Send report',
  cancel: 'Cancel',
  reported: 'Thank you. The moderators will take a look.',
  alreadyReported: 'You have already reported this comment.',
  reportedMark: 'Reported',
}

const ja: typeof en = {
  report: '報告…',
  reportTitle: 'このコメントを報告する理由',
  spam: 'スパム・宣伝',
  abuse: '攻撃的・差別的・嫌がらせ',
  'off-topic': '話題と無関係',
  other: 'その他',
  reportNote: 'モデレーターへの補足（任意）',
  sendReport: '報告を送信',
  cancel: 'キャンセル',
  reported: 'ご報告ありがとうございます。モデレーターが確認します。',
  alreadyReported: 'このコメントはすでに報告済みです。',
  reportedMark: '報告済み',
}

const REASONS: ReportReason[] = ['spam', 'abuse', 'off-topic', 'other']

export interface ReportOptions {
  lang: Lang
  api: Api
  commentId: string
  /** This browser reported it before. */
  reported: boolean
  /** The report was received, or had been already: the menu says "Reported" from now on. */
  onReported(): void
  /** Words for any other failure. */
  explain(error: unknown): string
  /** Shows the form under the comment (null: closes it). */
  show(form: HTMLElement | null): void
}

/** A comment's menu for a reader who did not write it: "Report…", or "Reported" once done. */
export function openReportMenu(button: HTMLElement, o: ReportOptions): void {
  const words = o.lang === 'ja' ? ja : en
  openMenu(button, [{ label: words[o.reported ? 'reportedMark' : 'report'], disabled: o.reported, choose: () => o.show(reportForm(o, words, button)) }])
}

/** Why a reader reports a comment (one reason, an optional note), then thanks, or "already reported". */
function reportForm(o: ReportOptions, words: typeof en, menuButton: HTMLElement): HTMLFormElement {
  const uid = Math.random().toString(36).slice(2, 8)
  const note = h('textarea', { id: `r${uid}`, maxlength: 500, rows: 2 }) as HTMLTextAreaElement
  const status = h('p', { role: 'status' })
  const send = h('button', { type: 'submit', class: 'p' }, words.sendReport) as HTMLButtonElement
  const form = h(
    'form',
    { class: 'rp' },
    h(
      'fieldset',
      {},
      h('legend', {}, words.reportTitle),
      ...REASONS.map((reason, i) => h('label', {}, h('input', { type: 'radio', name: `reason${uid}`, value: reason, checked: i === 0 }), ' ', words[reason])),
    ),
    h('label', { for: `r${uid}` }, words.reportNote),
    note,
    status,
    h('div', { class: 'row' }, send, h('button', { type: 'button', onclick: cancel }, words.cancel)),
  ) as HTMLFormElement
  // Focus never falls to the page: back to the menu's button, or onto the thanks.
  function cancel() {
    o.show(null)
    menuButton.focus()
  }
  const done = (message: string) => {
    o.onReported()
    const thanks = h('p', { class: 'hint', role: 'status', tabindex: -1 }, message)
    form.replaceWith(thanks)
    thanks.focus()
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const reason = (form.querySelector('input:checked') as HTMLInputElement | null)?.value as ReportReason
    send.disabled = true
    try {
      await o.api.report(o.commentId, reason, note.value)
      done(words.reported)
    } catch (e) {
      if (isApiError(e) && e.status === 409) done(words.alreadyReported)
      else {
        status.textContent = o.explain(e)
        send.disabled = false
      }
    }
  })
  requestAnimationFrame(() => form.querySelector('input')?.focus())
  return form
}
