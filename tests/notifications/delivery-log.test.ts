import { afterEach, describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { fromEngawa, signUpAndVerify, uniqueEmail, widgetToken, bearer } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts'
import { confirmAddress, deliver, runDigests } from './notify-helpers.ts'

forEachBackend((database) => {
  const sinks: SmtpSink[] = []
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close()
  })

  it('documents its routes in the OpenAPI document', async () => {
    const t = await startApp(database())
    const doc = await (await t.get('/api/openapi.json')).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/sites/{site}/mail',
        '/api/v1/admin/sites/{site}/mail/test',
        '/api/v1/notifications/confirm',
        '/api/v1/notifications/unsubscribe',
        '/api/v1/sites/{site}/thread/subscription',
        '/api/v1/me/notifications',
      ]),
    )
    expect(doc.components.schemas.NewComment.properties.notify.enum).toEqual(['replies', 'thread'])
  })

  describe("an owner's mail page", () => {
    it("masks the address of a reader's account, which the reader never gave the site", async () => {
      const t = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const reader = await signUpAndVerify(t, uniqueEmail('private-reader'), 'Reader')
      await postGuest(t, 'First')
      const follow = await t.request('PUT', `/api/v1/sites/${t.site.id}/thread/subscription?url=${encodeURIComponent(ARTICLE_URL)}`, {}, { headers: bearer(await widgetToken(t, reader.cookie)) })
      expect(follow.status).toBe(200)
      await postGuest(t, 'Second')
      t.clock.advance(10 * 60_000)
      await runDigests(t)
      const log = await (await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/mail`, undefined, owner.cookie)).text()
      expect(log).not.toContain(reader.email)
      expect(log).toContain(`"p…@${reader.email.split('@')[1]}"`)
      const page = await (await fromEngawa(t, 'GET', `/admin/sites/${t.site.id}/mail`, undefined, owner.cookie)).text()
      expect(page).not.toContain(reader.email)
    })

    it('sends a test mail and shows each mail of the site as sent or failed with the server’s answer', async () => {
      const t = await startApp(database())
      const bounce = uniqueEmail('bounce')
      const smtp = await startSmtpSink({ rejects: (address) => address === bounce })
      sinks.push(smtp)
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')

      const test = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/mail/test`, {}, owner.cookie)
      expect(test.status).toBe(202)
      expect(await test.json()).toEqual({ to: owner.email })
      // A reader whose mailbox the server refuses.
      const parent = await postGuest(t, 'Mail me', { author: { name: 'Aki', email: bounce }, notify: 'replies' })
      await confirmAddress(t, bounce)
      await postGuest(t, 'A reply', { parentId: parent.id, author: { name: 'Ben' } })
      expect(await runDigests(t)).toBe(1)

      const queued = await (await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/mail`, undefined, owner.cookie)).json()
      expect(queued.mails.map((m: { status: string }) => m.status)).toEqual(['queued', 'queued', 'queued'])

      await deliver(t, smtp)
      const received = await smtp.waitFor((m) => m.to.includes(owner.email) && m.subject.startsWith('Engawa test mail'))
      expect(received.subject).toBe('Engawa test mail for Test blog')

      const res = await fromEngawa(t, 'GET', `/api/v1/admin/sites/${t.site.id}/mail`, undefined, owner.cookie)
      expect(res.status).toBe(200)
      const { mails } = await res.json()
      const byTo = (to: string) => mails.filter((m: { to: string }) => m.to === to)
      expect(byTo(owner.email)).toEqual([expect.objectContaining({ status: 'sent', subject: 'Engawa test mail for Test blog', lastError: null })])
      const failed = byTo(bounce)
      expect(failed).toHaveLength(2)
      for (const mail of failed) {
        expect(mail.status).toBe('failed')
        expect(mail.lastError).toContain('550 No such mailbox')
      }
      expect(JSON.stringify(mails)).not.toContain('token=')
      // The account mails of the owner's sign-up belong to no site: not in the log.
      expect(mails).toHaveLength(3)

      // The dashboard page, linked from the settings page, shows the same.
      const settings = await (await fromEngawa(t, 'GET', `/admin/sites/${t.site.id}/settings`, undefined, owner.cookie)).text()
      expect(settings).toContain(`href="/admin/sites/${t.site.id}/mail"`)
      const page = await fromEngawa(t, 'GET', `/admin/sites/${t.site.id}/mail`, undefined, owner.cookie)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('id="test-mail"')
      expect(html).toContain('The mail server answered: ')
      expect(html).toContain('550 No such mailbox')
      expect(html).not.toMatch(/<script>/)
    })

    it('refuses readers, moderators, other sites’ owners and widget tokens, and writes nothing', async () => {
      const t = await startApp(database())
      const other = await startApp(database())
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const reader = await signUpAndVerify(t, undefined, 'Reader')
      const foreignOwner = await signUpAndVerify(t, undefined, 'Foreign')
      await setSiteRole(t.db, other.site.id, foreignOwner.email, 'owner')
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const count = async () => Number((await t.db.selectFrom('outbox_mails').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
      const before = await count()
      const cases: Array<[string, Record<string, string>, number]> = [
        ['anonymous', {}, 401],
        ['a reader', { cookie: reader.cookie }, 403],
        ['a moderator', { cookie: mod.cookie }, 403],
        ['another site’s owner', { cookie: foreignOwner.cookie }, 403],
        ['the owner’s widget token', bearer(await widgetToken(t, owner.cookie)), 403],
      ]
      for (const [who, headers, status] of cases) {
        for (const [method, path] of [['POST', 'mail/test'], ['GET', 'mail']] as const) {
          const res = await t.request(method, `/api/v1/admin/sites/${t.site.id}/${path}`, method === 'POST' ? {} : undefined, { origin: 'http://127.0.0.1:8787', headers })
          expect(res.status, `${who} ${method} ${path}`).toBe(status)
        }
      }
      expect(await count()).toBe(before)
      const page = await fromEngawa(t, 'GET', `/admin/sites/${t.site.id}/mail`, undefined, mod.cookie)
      expect(page.status).toBe(403)
    })
  })
})
