import { afterEach, describe, expect, it } from 'vitest'
import { ENGAWA_ORIGIN, bearer, fromEngawa, signUpAndVerify, uniqueEmail, widgetToken } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postGuest } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts'
import { confirmAddress, deliver, digestsTo, linkIn, MINUTE, outboxTo, runDigests } from './notify-helpers.ts'

forEachBackend((database) => {
  const sinks: SmtpSink[] = []
  const sink = async () => {
    const s = await startSmtpSink()
    sinks.push(s)
    return s
  }
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close()
  })

  /** A guest's comment asking for mail about its replies, at an address not yet confirmed. */
  async function guestWantingReplies(t: TestApp, extra: Record<string, unknown> = {}) {
    const email = uniqueEmail('guest')
    const parent = await postGuest(t, 'What do you think?', { author: { name: 'Aki', email }, notify: 'replies', ...extra })
    return { email, parent }
  }

  describe('reply notifications for guests', () => {
    it('sends an unconfirmed address only its confirmation; once confirmed, a reply arrives with one-click unsubscribe, which works', async () => {
      const t = await startApp(database())
      const smtp = await sink()
      const { email, parent } = await guestWantingReplies(t)
      const [confirmation, ...others] = await outboxTo(t, email)
      expect(others).toEqual([])
      expect(confirmation?.subject).toBe('Confirm comment notifications from Test blog')
      // It names the page, so whoever owns the address can tell whether it was them.
      expect(confirmation?.body_text).toContain('commented on “Japan and AI training data” on Test blog')
      expect(confirmation?.body_text).toContain('https://blog.example/posts/japan-ai-copyright\n')
      expect(confirmation?.site_id).toBe(t.site.id)

      // Replies before the address is confirmed: nothing for it, now or later.
      await postGuest(t, 'An early reply', { parentId: parent.id, author: { name: 'Ben' } })
      t.clock.advance(10 * MINUTE)
      expect(await runDigests(t)).toBe(0)
      expect(await outboxTo(t, email)).toHaveLength(1)

      // Following the link only shows a button (mail scanners fetch links); pressing it confirms.
      const confirmPath = linkIn(confirmation?.body_text, 'confirm')
      const page = await t.request('GET', confirmPath, undefined, { origin: false })
      expect(page.status).toBe(200)
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
      expect(await page.text()).toContain('<form method="post"')
      const [before] = await t.db.selectFrom('notify_recipients').select('confirmed_at').where('site_id', '=', t.site.id).where('email', '=', email).execute()
      expect(before?.confirmed_at).toBeNull()
      await confirmAddress(t, email)

      const reply = await postGuest(t, 'Agreed, **mostly**. Read <this> & that.', { parentId: parent.id, author: { name: 'Ben' } })
      expect(await runDigests(t)).toBe(1)
      await deliver(t, smtp)
      const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject.startsWith('A new comment'))
      expect(mail.subject).toBe('A new comment on Test blog')
      expect(mail.text).toContain('\u2068Ben\u2069 — Japan and AI training data')
      expect(mail.text).toContain('Agreed, mostly. Read <this> & that.')
      expect(mail.text).toContain(`https://blog.example/posts/japan-ai-copyright#engawa-comment-${reply.id}`)
      expect(mail.text).not.toContain('An early reply')
      expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')
      const header = mail.headers.get('list-unsubscribe') ?? ''
      expect(header).toMatch(new RegExp(`^<${ENGAWA_ORIGIN}/api/v1/notifications/unsubscribe\\?site=${t.site.id}&token=[a-z0-9.]+>$`))
      // The token is stored only as a hash.
      const token = new URL(header.slice(1, -1)).searchParams.get('token') ?? ''
      const stored = await t.db.selectFrom('notify_tokens').selectAll().where('site_id', '=', t.site.id).where('purpose', '=', 'unsubscribe').execute()
      expect(stored).toHaveLength(1)
      expect(JSON.stringify(stored)).not.toContain(token.split('.')[1])

      // GET never unsubscribes; a forged token does nothing; the one-click POST does, without a session.
      const unsubscribePath = header.slice(1 + ENGAWA_ORIGIN.length, -1)
      expect((await t.request('GET', unsubscribePath, undefined, { origin: false })).status).toBe(200)
      const forged = unsubscribePath.replace(/token=[^&]+/, `token=${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`)
      expect((await t.request('POST', forged, 'List-Unsubscribe=One-Click', { origin: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404)
      expect(await t.db.selectFrom('notify_subscriptions').select('id').where('site_id', '=', t.site.id).execute()).toHaveLength(1)
      const oneClick = await t.request('POST', unsubscribePath, 'List-Unsubscribe=One-Click', { origin: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      expect(oneClick.status).toBe(200)
      expect(await t.db.selectFrom('notify_subscriptions').select('id').where('site_id', '=', t.site.id).execute()).toEqual([])

      t.clock.advance(10 * MINUTE)
      await postGuest(t, 'Another reply', { parentId: parent.id, author: { name: 'Ben' } })
      t.clock.advance(10 * MINUTE)
      expect(await runDigests(t)).toBe(0)
      expect(await outboxTo(t, email)).toHaveLength(2)
    })

    it('asks for an address before a guest can ask for mail', async () => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('Tell me', { notify: 'replies' }))
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('invalid_request')
      expect(await t.count('comments')).toBe(0)
    })

    it('sends an address at most three confirmations a day however often a stranger posts with it, one per browser', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('victim')
      const states: string[] = []
      let key = ''
      for (let i = 0; i < 5; i++) {
        const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(`spam ${i}`, { author: { name: 'Mallory', email }, notify: 'thread' }))
        expect(res.status).toBe(201)
        const { notify } = await res.json()
        states.push(notify.state)
        key ||= notify.key
      }
      expect(states).toEqual(['confirm', 'confirm', 'confirm', 'wait', 'wait'])
      expect(await outboxTo(t, email)).toHaveLength(3)
      // The first browser again, with its key: its mail is already out.
      const again = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('spam again', { author: { name: 'Mallory', email }, notify: 'thread', notifyKey: key }))
      expect((await again.json()).notify).toEqual({ state: 'confirm', key })
      expect(await outboxTo(t, email)).toHaveLength(3)
      // Never confirmed: after a week the address and its link are forgotten.
      const kept = () => t.db.selectFrom('notify_recipients').select('id').where('site_id', '=', t.site.id).where('email', '=', email).execute()
      t.clock.advance(6 * 24 * 60 * MINUTE)
      await runDigests(t)
      expect(await kept()).toHaveLength(1)
      t.clock.advance(2 * 24 * 60 * MINUTE)
      await runDigests(t)
      expect(await kept()).toEqual([])
      expect(await t.db.selectFrom('notify_tokens').select('id').where('site_id', '=', t.site.id).execute()).toEqual([])
    })

    it('trusts the browser that confirmed: its later opt-ins count at once, while a stranger typing the same address waits for a confirmation of its own', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('guest')
      const optIn = async (body: string, key?: string) => {
        const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body, { author: { name: 'Aki', email }, notify: 'replies', ...(key ? { notifyKey: key } : {}) }))
        expect(res.status).toBe(201)
        const json = await res.json()
        return { id: json.comment.id as string, notify: json.notify as { state: string; key: string } }
      }
      const repliesReach = async (parentId: string) => {
        await postGuest(t, `A reply to ${parentId}`, { parentId, author: { name: 'Ben' } })
        t.clock.advance(10 * MINUTE)
        await runDigests(t)
        return (await digestsTo(t, email)).some((m) => (m.body_text ?? '').includes(`A reply to ${parentId}`))
      }

      const first = await optIn('From my own browser')
      expect(first.notify).toEqual({ state: 'confirm', key: expect.stringMatching(/^[a-z0-9]{24}\.[a-z0-9]{32}$/) })
      await confirmAddress(t, email)
      expect(await repliesReach(first.id)).toBe(true)

      // The same browser, with its key: on at once, and no new confirmation mail.
      const mailsBefore = (await outboxTo(t, email)).length
      const second = await optIn('Again from my browser', first.notify.key)
      expect(second.notify).toEqual({ state: 'on', key: first.notify.key })
      expect(await repliesReach(second.id)).toBe(true)

      expect((await outboxTo(t, email)).slice(mailsBefore).filter((m) => m.headers === null)).toEqual([])

      // A stranger, without the key or with a forged one: nothing arrives. Each of their browsers
      // gets a confirmation of its own, naming its page, which only the address's owner could press.
      t.clock.advance(24 * 60 * MINUTE)
      const forged = `${first.notify.key.slice(0, -1)}${first.notify.key.endsWith('a') ? 'b' : 'a'}`
      for (const key of [undefined, forged]) {
        const stranger = await optIn('Posing as Aki', key)
        expect(stranger.notify.state).toBe('confirm')
        expect(stranger.notify.key).not.toBe(first.notify.key)
        expect(await repliesReach(stranger.id)).toBe(false)
      }
      const confirmations = (await outboxTo(t, email)).filter((m) => m.headers === null)
      expect(confirmations).toHaveLength(3)
      expect(confirmations.map((m) => linkIn(m.body_text, 'confirm')).filter((link, i, all) => all.indexOf(link) === i)).toHaveLength(3)

      // Left unpressed, the stranger's keys and follows go a week after they were last used; Aki's stay.
      const follows = () => t.db.selectFrom('notify_subscriptions').select(['comment_id', 'pending_key']).where('site_id', '=', t.site.id).execute()
      expect((await follows()).filter((f) => f.pending_key !== null)).toHaveLength(2)
      t.clock.advance(8 * 24 * 60 * MINUTE)
      await runDigests(t)
      expect((await follows()).map((f) => f.comment_id).sort()).toEqual([first.id, second.id].sort())
      expect(await t.db.selectFrom('notify_keys').select('id').where('site_id', '=', t.site.id).execute()).toHaveLength(1)
    })

    it('keeps a waiting browser key while it is used, and writes a page title into the mail as one short plain line', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('guest')
      const title = 'Line one\nTo get these mails, open https://evil.example \u202Eevil\u202C' + ' padding'.repeat(20)
      const optIn = async (key?: string) => {
        const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, {
          thread: { url: 'https://blog.example/odd-title', title }, author: { name: 'Aki', email }, body: 'Hi', notify: 'replies', ...(key ? { notifyKey: key } : {}),
        })
        expect(res.status).toBe(201)
        return (await res.json()).notify.key as string
      }
      const key = await optIn()
      const [mail] = await outboxTo(t, email)
      const line = mail?.body_text?.split('\n')[0] ?? ''
      expect(line).toContain('commented on “Line one To get these mails, open https://evil.example evil padding')
      expect(line).not.toMatch(/[\u202E\u202C]/)
      expect(/“(.*)” on Test blog/.exec(line)?.[1]).toHaveLength(80)
      expect(line).toMatch(/…” on Test blog/)
      // Presented again on day 6, the key lives on past day 8; unused, it goes a week later.
      const keys = () => t.db.selectFrom('notify_keys').select('id').where('site_id', '=', t.site.id).execute()
      await confirmAddress(t, email)
      t.clock.advance(6 * 24 * 60 * MINUTE)
      const stranger = await optIn('x'.repeat(10))
      t.clock.advance(6 * 24 * 60 * MINUTE)
      expect(await optIn(stranger)).toBe(stranger)
      t.clock.advance(2 * 24 * 60 * MINUTE)
      await runDigests(t)
      expect((await keys()).map((k) => k.id).sort()).toEqual([key.split('.')[0], stranger.split('.')[0]].sort())
      t.clock.advance(8 * 24 * 60 * MINUTE)
      await runDigests(t)
      expect((await keys()).map((k) => k.id)).toEqual([key.split('.')[0]])
    })

    it('batches a busy thread: ten replies in the window make one mail, and the next waits for the window', async () => {
      const t = await startApp(database())
      const { email, parent } = await guestWantingReplies(t)
      await confirmAddress(t, email)
      for (let i = 1; i <= 10; i++) {
        await postGuest(t, `Reply number ${i}`, { parentId: parent.id, author: { name: `Reader ${i}` } })
        t.clock.advance(10_000)
      }
      expect(await runDigests(t)).toBe(1)
      const [digest] = await digestsTo(t, email)
      expect(digest?.subject).toBe('10 new comments on Test blog')
      for (let i = 1; i <= 10; i++) expect(digest?.body_text).toContain(`Reply number ${i}\n`)

      t.clock.advance(MINUTE)
      await postGuest(t, 'Reply number 11', { parentId: parent.id, author: { name: 'Reader 11' } })
      expect(await runDigests(t)).toBe(0)
      t.clock.advance(3 * MINUTE)
      expect(await runDigests(t)).toBe(0)
      t.clock.advance(MINUTE)
      expect(await runDigests(t)).toBe(1)
      expect(await digestsTo(t, email)).toHaveLength(2)
    })

    it('writes to a Japanese reader in Japanese', async () => {
      const t = await startApp(database())
      const smtp = await sink()
      const { email, parent } = await guestWantingReplies(t, { locale: 'ja' })
      const [confirmation] = await outboxTo(t, email)
      expect(confirmation?.subject).toBe('「Test blog」のコメント通知を確認してください')
      const page = await t.request('GET', linkIn(confirmation?.body_text, 'confirm'), undefined, { origin: false })
      expect(await page.text()).toContain('<html lang="ja">')
      await confirmAddress(t, email)
      await postGuest(t, '同感です', { parentId: parent.id, author: { name: '花子' } })
      expect(await runDigests(t)).toBe(1)
      await deliver(t, smtp)
      const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject.includes('新しいコメント'))
      expect(mail.subject).toBe('「Test blog」に新しいコメントがあります')
      expect(mail.text).toContain('\u2068花子\u2069 — Japan and AI training data')
      expect(mail.text).toContain('同感です')
      expect(mail.text).toContain('通知を停止するには')
    })

    it('follows a whole thread, and never tells authors about their own comments', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('follower')
      const first = await postGuest(t, 'Following this', { author: { name: 'Aki', email }, notify: 'thread' })
      await confirmAddress(t, email)
      await postGuest(t, 'Me again, replying to myself', { parentId: first.id, author: { name: 'Aki', email } })
      await postGuest(t, 'A new top-level comment', { author: { name: 'Ben' } })
      expect(await runDigests(t)).toBe(1)
      const [digest] = await digestsTo(t, email)
      expect(digest?.body_text).toContain('A new top-level comment')
      expect(digest?.body_text).not.toContain('replying to myself')
    })
  })

  describe('moderation', () => {
    it('sends nothing about pending comments until a moderator approves them, and leaves out what was hidden or deleted', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all' } })
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await t.db.insertInto('site_members').values({ site_id: t.site.id, user_id: owner.user.id, role: 'owner' }).execute()
      const email = uniqueEmail('guest')
      const parent = await postGuest(t, 'Held at first', { author: { name: 'Aki', email }, notify: 'replies' })
      await confirmAddress(t, email)
      const act = (id: string, action: string) => fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${id}`, { action }, owner.cookie)
      expect((await act(parent.id, 'approve')).status).toBe(200)

      const pending = await postGuest(t, 'A held reply', { parentId: parent.id, author: { name: 'Ben' } })
      expect(pending.status).toBe('pending')
      t.clock.advance(10 * MINUTE)
      expect(await runDigests(t)).toBe(0)
      expect((await act(pending.id, 'approve')).status).toBe(200)

      // Two more, published at once by approval, then hidden and deleted before the batch goes.
      const hidden = await postGuest(t, 'Soon hidden', { parentId: parent.id, author: { name: 'Cho' } })
      const deleted = await postGuest(t, 'Soon deleted', { parentId: parent.id, author: { name: 'Dai' } })
      expect((await act(hidden.id, 'approve')).status).toBe(200)
      expect((await act(deleted.id, 'approve')).status).toBe(200)
      expect((await act(hidden.id, 'hide')).status).toBe(200)
      expect((await act(deleted.id, 'delete')).status).toBe(200)

      expect(await runDigests(t)).toBe(1)
      const [digest, ...more] = await digestsTo(t, email)
      expect(more).toEqual([])
      expect(digest?.subject).toBe('A new comment on Test blog')
      expect(digest?.body_text).toContain('A held reply')
      expect(digest?.body_text).not.toContain('Soon hidden')
      expect(digest?.body_text).not.toContain('Soon deleted')
    })
  })

  describe('accounts', () => {
    it('mails an account about replies by its setting, and a thread it follows, in its language', async () => {
      const t = await startApp(database())
      const smtp = await sink()
      const reader = await signUpAndVerify(t, undefined, 'Hana')
      const token = await widgetToken(t, reader.cookie)
      const asReader = { headers: bearer(token) }
      const own = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: 'https://blog.example/posts/japan-ai-copyright' }, body: 'My comment' }, asReader)
      expect(own.status).toBe(201)
      const ownId = (await own.json()).comment.id as string

      // Off by default: a reply sends nothing.
      expect(await (await t.request('GET', '/api/v1/me/notifications', undefined, asReader)).json()).toEqual({ replies: false, locale: 'en' })
      await postGuest(t, 'First reply', { parentId: ownId, author: { name: 'Ben' } })
      expect(await runDigests(t)).toBe(0)

      // Only from Engawa itself: a script on a site's page holding the widget token cannot turn it on.
      expect((await t.request('PUT', '/api/v1/me/notifications', { replies: true }, asReader)).status).toBe(403)
      expect(await (await t.request('GET', '/api/v1/me/notifications', undefined, asReader)).json()).toEqual({ replies: false, locale: 'en' })
      const set = await fromEngawa(t, 'PUT', '/api/v1/me/notifications', { replies: true, locale: 'ja' }, reader.cookie)
      expect(set.status).toBe(200)
      expect(await set.json()).toEqual({ replies: true, locale: 'ja' })
      // Their own reply to their own comment: nothing.
      expect((await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: 'https://blog.example/posts/japan-ai-copyright' }, parentId: ownId, body: 'Replying to myself' }, asReader)).status).toBe(201)
      expect(await runDigests(t)).toBe(0)
      await postGuest(t, 'Second reply', { parentId: ownId, author: { name: 'Ben' } })
      expect(await runDigests(t)).toBe(1)
      await deliver(t, smtp)
      const mail = await smtp.waitFor((m) => m.to.includes(reader.email) && m.headers.has('list-unsubscribe'))
      expect(mail.subject).toBe('「Test blog」に新しいコメントがあります')
      expect(mail.text).toContain('Second reply')
      expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click')

      // Following the thread: a new top-level comment arrives (after the batch window).
      const followPath = `/api/v1/sites/${t.site.id}/thread/subscription?url=${encodeURIComponent('https://blog.example/posts/japan-ai-copyright')}`
      expect(await (await t.request('GET', followPath, undefined, asReader)).json()).toEqual({ following: false })
      expect((await t.request('PUT', followPath, { locale: 'ja' }, asReader)).status).toBe(200)
      expect(await (await t.request('GET', followPath, undefined, asReader)).json()).toEqual({ following: true })
      await postGuest(t, 'Top-level news', { author: { name: 'Cho' } })
      t.clock.advance(5 * MINUTE)
      expect(await runDigests(t)).toBe(1)
      expect((await digestsTo(t, reader.email)).at(-1)?.body_text).toContain('Top-level news')

      // Unfollowing and turning the setting off: nothing more.
      expect(await (await t.request('DELETE', followPath, undefined, asReader)).json()).toEqual({ following: false })
      expect((await t.request('PUT', '/api/v1/me/notifications', { replies: false }, asReader)).status).toBe(200)
      await postGuest(t, 'Unheard', { author: { name: 'Cho' } })
      await postGuest(t, 'Unheard reply', { parentId: ownId, author: { name: 'Cho' } })
      t.clock.advance(5 * MINUTE)
      expect(await runDigests(t)).toBe(0)
    })

    it('refuses to follow without signing in, and a thread that does not exist', async () => {
      const t = await startApp(database())
      const path = `/api/v1/sites/${t.site.id}/thread/subscription?url=${encodeURIComponent('https://blog.example/nothing-here')}`
      const anonymous = await t.request('PUT', path, {})
      expect(anonymous.status).toBe(401)
      const reader = await signUpAndVerify(t)
      const missing = await t.request('PUT', path, {}, { headers: bearer(await widgetToken(t, reader.cookie)) })
      expect(missing.status).toBe(404)
      expect(await t.db.selectFrom('notify_subscriptions').select('id').where('site_id', '=', t.site.id).execute()).toEqual([])
    })
  })
})
