import type { MailLocale } from '../db/schema.ts'
import type { OutgoingMail } from '../mail/outbox.ts'

// The words of reader notification mails, in the reader's language. Links to confirm or stop
// open a page with a button: a mail scanner that follows the link changes nothing (GET never acts).

const EXCERPT_CHARS = 200

/** Sanitised comment HTML as one line of plain text, cut to an excerpt. */
export function excerptOf(html: string): string {
  const text = html
    // Block boundaries become spaces; inline tags (<strong>, <a>) vanish without splitting words.
    .replace(/<(br|\/(p|li|h[1-6]|blockquote|pre|tr|td|th))\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(x27|39);/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text
}

const LINE_CHARS = 80

/** Words someone else wrote as one short line of a mail: no line breaks, controls or bidi marks to add lines or turn one around. */
function oneLine(words: string): string {
  const line = words.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/g, ' ').trim()
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line
}

/** A page's title as one short line (the first commenter on a page wrote it, and a mail quotes it), or its address. */
export function pageNameOf(page: { title: string; url: string }): string {
  return oneLine(page.title) || oneLine(page.url)
}

/** `page`: where the comment that asked was posted, so the address's owner can tell whether it was them. */
export function confirmSubscriptionMail(locale: MailLocale, to: string, siteName: string, page: { title: string; url: string }, link: string, siteId: string): OutgoingMail {
  const pageName = pageNameOf(page)
  if (locale === 'ja')
    return {
      to,
      siteId,
      subject: `「${siteName}」のコメント通知を確認してください`,
      text: [
        `「${siteName}」の「${pageName}」でコメントを投稿した方（おそらくあなた）が、このアドレスへの返信通知を希望しました。`,
        page.url,
        '',
        '通知を受け取るには、次のリンクを開いてボタンを押してください:',
        link,
        '',
        '心当たりがなければ、このメールは無視してください。確認されるまで、このアドレスには何も送りません。',
      ].join('\n'),
    }
  return {
    to,
    siteId,
    subject: `Confirm comment notifications from ${siteName}`,
    text: [
      `Someone (we hope you) commented on “${pageName}” on ${siteName} and asked for mail about replies at this address.`,
      page.url,
      '',
      'To get these mails, open this link and press the button:',
      link,
      '',
      'If it was not you, ignore this mail: nothing more is sent to this address unless it is confirmed.',
    ].join('\n'),
  }
}
