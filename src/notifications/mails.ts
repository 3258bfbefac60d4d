import type { MailLocale } from '../db/schema.ts'
import type { OutgoingMail } from '../mail/outbox.ts'

// The words of reader notification mails, in the reader's language. Links to confirm or stop
// open a page with a button: a mail scanner that follows the link changes nothing (GET never acts).

export interface DigestItem {
  authorName: string
  excerpt: string
  link: string
  threadTitle: string
}

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

const PAGE_NAME_CHARS = 80

/** A page's title as one short line: the first commenter on a page wrote it, so no line breaks, controls or bidi marks. */
function pageNameOf(page: { title: string; url: string }): string {
  const name = page.title.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/g, ' ').trim() || page.url
  return name.length > PAGE_NAME_CHARS ? `${name.slice(0, PAGE_NAME_CHARS - 1)}…` : name
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

export function digestMail(locale: MailLocale, to: string, site: { id: string; name: string }, items: DigestItem[], unsubscribeUrl: string): OutgoingMail {
  const headers = { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
  // First-strong isolates: a name written right to left (or carrying old bidi controls) cannot turn the line around.
  const entries = items.flatMap((i) => [`\u2068${i.authorName}\u2069 — ${i.threadTitle}`, `  ${i.excerpt}`, `  ${i.link}`, ''])
  if (locale === 'ja')
    return {
      to,
      siteId: site.id,
      headers,
      subject: items.length === 1 ? `「${site.name}」に新しいコメントがあります` : `「${site.name}」に新しいコメントが${items.length}件あります`,
      text: [`「${site.name}」でフォロー中の会話に新しいコメントがあります:`, '', ...entries, `通知を停止するには: ${unsubscribeUrl}`].join('\n'),
    }
  return {
    to,
    siteId: site.id,
    headers,
    subject: items.length === 1 ? `A new comment on ${site.name}` : `${items.length} new comments on ${site.name}`,
    text: [`New in the conversations you follow on ${site.name}:`, '', ...entries, `To stop these mails: ${unsubscribeUrl}`].join('\n'),
  }
}
