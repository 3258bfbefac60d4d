import type { MailLocale } from '../db/schema.ts'
import type { OutgoingMail } from '../mail/outbox.ts'

// The words of a digest: the comments a reader hears of from one site since their last mail,
// each under why it came. A comment that mentions them, one that replies to them (their inbox
// says which it was) and one new where they follow are told apart, so a mention is never taken
// for the thread's chatter. One mention alone is a mail of its own, naming who wrote it.

/** Why a reader hears of a comment. */
export type DigestReason = 'mention' | 'reply' | 'news'

export interface DigestItem {
  reason: DigestReason
  /** As stored: one line, without bidi controls (http/text.ts). */
  authorName: string
  excerpt: string
  link: string
  /** One line (mails.ts pageNameOf). */
  pageName: string
}

const REASONS: readonly DigestReason[] = ['mention', 'reply', 'news']

interface DigestWords {
  mention: { subject(author: string, page: string): string; lead(author: string, page: string, site: string): string; open: string }
  subject(count: number, mentions: number, site: string): string
  lead: Record<DigestReason | 'mixed', (site: string) => string>
  heading: Record<DigestReason, string>
  stop: string
}

const WORDS: Record<MailLocale, DigestWords> = {
  en: {
    mention: {
      subject: (author, page) => `${author} mentioned you on “${page}”`,
      lead: (author, page, site) => `${author} mentioned you in a comment on “${page}” on ${site}:`,
      open: 'Read it and reply:',
    },
    subject: (count, mentions, site) => {
      if (mentions === count) return `${count} comments mention you on ${site}`
      const news = count === 1 ? `A new comment on ${site}` : `${count} new comments on ${site}`
      return mentions === 0 ? news : `${news}, ${mentions} mentioning you`
    },
    lead: {
      mention: (site) => `Comments that mention you on ${site}:`,
      reply: (site) => `Replies to you on ${site}:`,
      news: (site) => `New in the conversations you follow on ${site}:`,
      mixed: (site) => `New for you on ${site}:`,
    },
    heading: { mention: 'Mentioning you:', reply: 'Replying to you:', news: 'In the conversations you follow:' },
    stop: 'To stop these mails:',
  },
  ja: {
    mention: {
      subject: (author, page) => `${author}さんが「${page}」であなたをメンションしました`,
      lead: (author, page, site) => `${author}さんが「${site}」の「${page}」へのコメントであなたをメンションしました:`,
      open: 'コメントを読んで返信する:',
    },
    subject: (count, mentions, site) => {
      if (mentions === count) return `「${site}」であなたをメンションしたコメントが${count}件あります`
      const news = count === 1 ? `「${site}」に新しいコメントがあります` : `「${site}」に新しいコメントが${count}件あります`
      return mentions === 0 ? news : `${news}（うちメンション${mentions}件）`
    },
    lead: {
      mention: (site) => `「${site}」であなたをメンションしたコメント:`,
      reply: (site) => `「${site}」であなたのコメントへの返信:`,
      news: (site) => `「${site}」でフォロー中の会話に新しいコメントがあります:`,
      mixed: (site) => `「${site}」であなたへの新着があります:`,
    },
    heading: { mention: 'あなたをメンションしたコメント:', reply: 'あなたへの返信:', news: 'フォロー中の会話の新しいコメント:' },
    stop: '通知を停止するには:',
  },
}

// First-strong isolates: a name written right to left cannot turn the line around it.
const isolated = (name: string) => `\u2068${name}\u2069`

export function digestMail(locale: MailLocale, to: string, site: { id: string; name: string }, items: DigestItem[], unsubscribeUrl: string): OutgoingMail {
  const words = WORDS[locale]
  const headers = { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
  const stop = `${words.stop} ${unsubscribeUrl}`
  const [only] = items
  if (only && items.length === 1 && only.reason === 'mention') {
    const author = isolated(only.authorName)
    return {
      to,
      siteId: site.id,
      headers,
      subject: words.mention.subject(author, only.pageName),
      text: [words.mention.lead(author, only.pageName, site.name), '', `> ${only.excerpt}`, '', `${words.mention.open} ${only.link}`, '', stop].join('\n'),
    }
  }
  const entries = (group: DigestItem[]) => group.flatMap((i) => [`${isolated(i.authorName)} — ${i.pageName}`, `  ${i.excerpt}`, `  ${i.link}`, ''])
  const groups = REASONS.map((reason) => ({ reason, group: items.filter((i) => i.reason === reason) })).filter((g) => g.group.length > 0)
  const [one] = groups
  const body =
    one && groups.length === 1
      ? [words.lead[one.reason](site.name), '', ...entries(one.group)]
      : [words.lead.mixed(site.name), '', ...groups.flatMap((g) => [words.heading[g.reason], '', ...entries(g.group)])]
  const mentions = items.filter((i) => i.reason === 'mention').length
  return { to, siteId: site.id, headers, subject: words.subject(items.length, mentions, site.name), text: [...body, stop].join('\n') }
}
