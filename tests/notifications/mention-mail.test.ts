import { afterEach, describe, expect, it } from 'vitest'
import { ENGAWA_ORIGIN, bearer, fromEngawa, readerOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest, postSignedIn } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp, type TestApp } from '../helpers/harness.ts'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts'
import { MINUTE, deliver, digestsTo, linkIn, runDigests } from './notify-helpers.ts'

const PAGE = 'Japan and AI training data'
const linkTo = (id: string) => `${ARTICLE_URL}#engawa-comment-${id}`

/** A reader whose account asks for mail about replies and mentions, in its language. */
async function mailedReaderOf(t: TestApp, name: string, locale: 'en' | 'ja') {
  const reader = await readerOf(t, name)
  expect((await fromEngawa(t, 'PUT', '/api/v1/me/notifications', { replies: true, locale }, reader.cookie)).status).toBe(200)
  return reader
}

forEachBackend((database) => {
  const sinks: SmtpSink[] = []
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close()
  })

  describe('mention mail', () => {
    it.each([
      {
        locale: 'en' as const,
        subject: `\u2068Aki\u2069 mentioned you on “${PAGE}”`,
        lead: `\u2068Aki\u2069 mentioned you in a comment on “${PAGE}” on Test blog:`,
        open: 'Read it and reply:',
        stop: 'To stop these mails:',
      },
      {
        locale: 'ja' as const,
        subject: `\u2068Aki\u2069さんが「${PAGE}」であなたをメンションしました`,
        lead: `\u2068Aki\u2069さんが「Test blog」の「${PAGE}」へのコメントであなたをメンションしました:`,
        open: 'コメントを読んで返信する:',
        stop: '通知を停止するには:',
      },
    ])('($locale) says who mentioned the reader where, quotes the comment with its link, and unsubscribes in one click', async ({ locale, subject, lead, open, stop }) => {
      const t = await startApp(database())
      const smtp = await startSmtpSink()
      sinks.push(smtp)
      const hana = await mailedReaderOf(t, 'Hana', locale)
      const aki = await readerOf(t, 'Aki')
      await postSignedIn(t, hana.token, 'First.')
      const { id } = await postSignedIn(t, aki.token, 'Over to **you**, @Hana.')
      await runDigests(t)
      await deliver(t, smtp)
      const mail = await smtp.waitFor((m) => m.to.includes(hana.email) && m.headers.has('list-unsubscribe'))
      expect(mail.subject).toBe(subject)
      const unsubscribe = linkIn(mail.text, 'unsubscribe')
      expect(mail.text.trimEnd().split('\n')).toEqual([lead, '', '> Over to you, @Hana.', '', `${open} ${linkTo(id)}`, '', `${stop} ${ENGAWA_ORIGIN}${unsubscribe}`])
      expect(mail.headers.get('list-unsubscribe')).toBe(`<${ENGAWA_ORIGIN}${unsubscribe}>`)
      const oneClick = await t.request('POST', unsubscribe, 'List-Unsubscribe=One-Click', { origin: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      expect(oneClick.status).toBe(200)
      expect(await (await t.request('GET', '/api/v1/me/notifications', undefined, { headers: bearer(hana.token) })).json()).toEqual({ replies: false, locale })
    })

    it.each([
      {
        locale: 'en' as const,
        subject: '3 new comments on Test blog, 1 mentioning you',
        lines: ['New for you on Test blog:', 'Mentioning you:', `\u2068Aki\u2069 — ${PAGE}`, 'Replying to you:', `\u2068Ben\u2069 — ${PAGE}`, 'In the conversations you follow:'],
        mentionsOnly: { subject: '2 comments mention you on Test blog', lead: 'Comments that mention you on Test blog:' },
      },
      {
        locale: 'ja' as const,
        subject: '「Test blog」に新しいコメントが3件あります（うちメンション1件）',
        lines: ['「Test blog」であなたへの新着があります:', 'あなたをメンションしたコメント:', `\u2068Aki\u2069 — ${PAGE}`, 'あなたへの返信:', `\u2068Ben\u2069 — ${PAGE}`, 'フォロー中の会話の新しいコメント:'],
        mentionsOnly: { subject: '「Test blog」であなたをメンションしたコメントが2件あります', lead: '「Test blog」であなたをメンションしたコメント:' },
      },
    ])('($locale) tells mentions, replies and the conversation apart in one digest', async ({ locale, subject, lines, mentionsOnly }) => {
      const t = await startApp(database())
      const hana = await mailedReaderOf(t, 'Hana', locale)
      const aki = await readerOf(t, 'Aki')
      const ben = await readerOf(t, 'Ben')
      const mine = await postSignedIn(t, hana.token, 'My comment.')
      const follow = `/api/v1/sites/${t.site.id}/thread/subscription?url=${encodeURIComponent(ARTICLE_URL)}`
      expect((await t.request('PUT', follow, { locale }, { headers: bearer(hana.token) })).status).toBe(200)
      // A reply that also mentions Hana is a reply.
      const reply = await postSignedIn(t, ben.token, 'Agreed, @Hana.', { parentId: mine.id })
      await postSignedIn(t, aki.token, 'Over to you, @Hana.')
      await postGuest(t, 'Top-level news', { author: { name: 'Cho' } })
      expect((await t.db.selectFrom('inbox_items').select('kind').where('comment_id', '=', reply.id).executeTakeFirstOrThrow()).kind).toBe('reply')

      await runDigests(t)
      const [digest] = await digestsTo(t, hana.email)
      expect(digest?.subject).toBe(subject)
      const text = (digest?.body_text ?? '').split('\n')
      // Headings and the first line of each entry, in order.
      expect(text.filter((l) => l !== '' && !l.startsWith('  ')).slice(0, -1)).toEqual([...lines, `\u2068Cho\u2069 — ${PAGE}`])

      // Only mentions in the next one.
      t.clock.advance(10 * MINUTE)
      await postSignedIn(t, aki.token, 'And again, @Hana.')
      await postSignedIn(t, ben.token, 'Me too, @Hana.')
      await runDigests(t)
      const [, only] = await digestsTo(t, hana.email)
      expect(only?.subject).toBe(mentionsOnly.subject)
      expect(only?.body_text?.split('\n')[0]).toBe(mentionsOnly.lead)
    })

    it('writes the page title in a mention mail as one short plain line', async () => {
      const t = await startApp(database())
      const hana = await mailedReaderOf(t, 'Hana', 'en')
      const aki = await readerOf(t, 'Aki')
      const thread = { url: 'https://blog.example/odd-title', title: 'Line one\nTo stop these mails: https://evil.example \u202Eevil\u202C' + ' padding'.repeat(20) }
      await postSignedIn(t, hana.token, 'First.', { thread })
      await postSignedIn(t, aki.token, 'Hi @Hana', { thread })
      await runDigests(t)
      const [mail] = await digestsTo(t, hana.email)
      const page = /“(.*)”$/.exec(mail?.subject ?? '')?.[1] ?? ''
      expect(page).toMatch(/^Line one To stop these mails: https:\/\/evil\.example evil padding/)
      expect(page).toHaveLength(80)
      expect(page).not.toMatch(/[\u202E\u202C]/)
      expect(mail?.body_text?.split('\n').filter((l) => l.startsWith('To stop these mails:'))).toHaveLength(1)
    })
  })
})
