import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { page } from '../auth/pages/layout.ts'
import type { MailLocale } from '../db/schema.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../http/app-env.ts'
import { confirmRecipient, findByToken, unsubscribeRecipient, type LinkPurpose } from './recipients.ts'
import { createRouter } from '../http/router.ts'

// The links in reader mails. GET only shows a page with a button: mail scanners and link
// previews fetch links, and must not confirm or unsubscribe anyone. POST acts, without a
// session: the token is the proof. Mail clients send RFC 8058's one-click POST
// (`List-Unsubscribe=One-Click`) to the unsubscribe URL of the List-Unsubscribe header.

const LinkQuery = z.object({
  site: z.string().min(1).max(64),
  token: z.string().min(1).max(200),
})

const WORDS = {
  en: {
    confirm: { title: 'Confirm notifications', ask: 'Get mail about replies and the conversations you follow here?', button: 'Yes, send me these mails', done: 'Confirmed. You will get mail when there is something new.' },
    unsubscribe: { title: 'Stop notifications', ask: 'Stop all comment notification mails from this site?', button: 'Stop these mails', done: 'Done. You will get no more notification mails from this site.' },
    invalid: 'This link has been used or no longer works. If mails still arrive, use the link in the latest one.',
  },
  ja: {
    confirm: { title: '通知の確認', ask: 'このサイトでの返信やフォロー中の会話について、メールを受け取りますか？', button: 'はい、受け取ります', done: '確認しました。新しいコメントがあるとメールでお知らせします。' },
    unsubscribe: { title: '通知の停止', ask: 'このサイトからのコメント通知メールをすべて停止しますか？', button: '停止する', done: '停止しました。このサイトから通知メールは届きません。' },
    invalid: 'このリンクは使用済みか、無効になっています。まだメールが届く場合は、最新のメールのリンクをお使いください。',
  },
} as const

const htmlResponse = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } })

function linkRoutesFor(purpose: LinkPurpose) {
  const what = purpose === 'confirm' ? 'Confirm a guest’s address for notifications' : 'Unsubscribe from notifications'
  const show = createRoute({
    method: 'get',
    path: `/notifications/${purpose}`,
    tags: ['Notifications'],
    summary: `${what}: the page`,
    description: 'A page with one button that POSTs here; visiting it changes nothing.',
    request: { query: LinkQuery },
    responses: { 200: htmlResponse('The page.'), 404: htmlResponse('The link is unknown or used.') },
  })
  const act = createRoute({
    method: 'post',
    path: `/notifications/${purpose}`,
    tags: ['Notifications'],
    summary: what,
    description:
      (purpose === 'unsubscribe'
        ? 'RFC 8058 one-click unsubscribe: the token in the query is the proof; no session is needed, and the body (`List-Unsubscribe=One-Click`) is not required. '
        : 'The token in the query is the proof; no session is needed; it works once. ') +
      'Sent from the page (a form field `from=page`), it answers with a redirect to a page without the token, so the token leaves the address bar and the history.',
    request: { query: LinkQuery },
    responses: {
      200: htmlResponse('Done.'),
      303: { description: 'Done; see the page the Location names.' },
      404: htmlResponse('The link is unknown or used.'),
    },
  })
  const done = createRoute({
    method: 'get',
    path: `/notifications/${purpose}/done`,
    tags: ['Notifications'],
    summary: `${what}: done`,
    request: { query: z.object({ lang: z.enum(['en', 'ja']).default('en') }) },
    responses: { 200: htmlResponse('The page saying it is done.') },
  })
  return { show, act, done }
}

function notificationPage(c: Context, locale: MailLocale, title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>, status: 200 | 404) {
  return page(c, title, html`<main><h1>${title}</h1>${body}</main>`, { lang: locale, status, script: false })
}

export function notificationLinkRoutes(deps: Pick<Deps, 'db' | 'clock'>) {
  const app = createRouter()
  for (const purpose of ['confirm', 'unsubscribe'] as const) {
    const { show, act, done } = linkRoutesFor(purpose)
    /** The page for the link's recipient, in their language, or the page saying the link is dead. */
    const answer = async (c: Context<AppEnv>, query: z.infer<typeof LinkQuery>, isPost: boolean) => {
      const recipient = await findByToken(deps.db, query.site, query.token, purpose)
      const locale = recipient?.locale ?? 'en'
      const words = WORDS[locale][purpose]
      if (!recipient) return notificationPage(c, locale, words.title, html`<p>${WORDS[locale].invalid}</p>`, 404)
      if (!isPost) {
        const action = `?${new URLSearchParams(query)}`
        return notificationPage(
          c, locale, words.title,
          html`<p>${words.ask}</p><form method="post" action="${action}"><input type="hidden" name="from" value="page" /><button type="submit">${words.button}</button></form>`,
          200,
        )
      }
      if (purpose === 'confirm') await confirmRecipient(deps.db, query.site, recipient, deps.clock.now())
      else await unsubscribeRecipient(deps.db, query.site, recipient)
      // Pressed on the page: on to a page without the token (Post/Redirect/Get), so neither the
      // address bar nor the history keeps it. A mail client's one-click POST gets the page itself.
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      if (form.from === 'page') return c.redirect(`/api/v1/notifications/${purpose}/done?lang=${locale}`, 303)
      return notificationPage(c, locale, words.title, html`<p role="status">${words.done}</p>`, 200)
    }
    app.openapi(show, (c) => answer(c, c.req.valid('query'), false))
    app.openapi(act, (c) => answer(c, c.req.valid('query'), true))
    app.openapi(done, (c) => {
      const { lang } = c.req.valid('query')
      const words = WORDS[lang][purpose]
      return notificationPage(c, lang, words.title, html`<p role="status">${words.done}</p>`, 200)
    })
  }
  return app
}
