import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { bearer, fromEngawa, signUpAndVerify, widgetToken, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

// Registering, listing, changing and deleting webhook endpoints: owners only, from Engawa's own
// pages, with the addresses an endpoint may not point to refused at once.

const ALL_EVENTS = ['comment.created', 'comment.edited', 'comment.moderated', 'report.created']

const hooks = (t: TestApp) => `/api/v1/admin/sites/${t.site.id}/webhooks`
const countWebhooks = async (t: TestApp) =>
  Number((await t.db.selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', t.site.id).executeTakeFirstOrThrow()).n)

forEachBackend((database) => {
  describe('webhook endpoints', () => {
    it('registers an endpoint with a secret shown once, lists, changes, rotates and deletes it, each in the audit log', async () => {
      const t = await startApp(database(), { config: { webhooksAllowPrivate: true } })
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const made = await fromEngawa(t, 'POST', hooks(t), { url: 'http://127.0.0.1:9/hook', events: ['comment.created', 'report.created'], description: 'Slack relay' }, cookie)
      expect(made.status).toBe(201)
      const { webhook, secret } = await made.json()
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/)
      expect(webhook).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['comment.created', 'report.created'], description: 'Slack relay', enabled: true })

      const list = await (await fromEngawa(t, 'GET', hooks(t), undefined, cookie)).json()
      expect(list.webhooks).toEqual([webhook])
      expect(JSON.stringify(list)).not.toContain(secret)

      const changed = await fromEngawa(t, 'PATCH', `${hooks(t)}/${webhook.id}`, { enabled: false, events: ALL_EVENTS }, cookie)
      expect(changed.status).toBe(200)
      expect((await changed.json()).webhook).toMatchObject({ enabled: false, events: ALL_EVENTS, url: webhook.url })

      const rotated = await fromEngawa(t, 'POST', `${hooks(t)}/${webhook.id}/secret`, {}, cookie)
      expect(rotated.status).toBe(200)
      const next = (await rotated.json()).secret
      expect(next).toMatch(/^whsec_/)
      expect(next).not.toBe(secret)
      expect((await t.db.selectFrom('webhooks').select('secret').where('site_id', '=', t.site.id).executeTakeFirstOrThrow()).secret).toBe(next)

      expect((await fromEngawa(t, 'DELETE', `${hooks(t)}/${webhook.id}`, undefined, cookie)).status).toBe(204)
      expect(await countWebhooks(t)).toBe(0)
      expect((await fromEngawa(t, 'DELETE', `${hooks(t)}/${webhook.id}`, undefined, cookie)).status).toBe(404)
      const audit = await t.db.selectFrom('moderation_actions').select('action').where('site_id', '=', t.site.id).orderBy('created_at').execute()
      expect(audit.map((a) => a.action).sort()).toEqual(['webhook-create', 'webhook-delete', 'webhook-rotate-secret', 'webhook-update'])
    })

    it('refuses moderators, widget tokens, anonymous callers and other sites’ owners, writing nothing', async () => {
      const t = await startApp(database(), { config: { webhooksAllowPrivate: true } })
      const other = await startApp(database(), { config: { webhooksAllowPrivate: true } })
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const stranger = await signUpAndVerify(t, undefined, 'Owner elsewhere')
      await setSiteRole(t.db, other.site.id, stranger.email, 'owner')
      const boss = await staffOf(t, 'Owner', 'owner')
      const input = { url: 'http://127.0.0.1:9/hook', events: ['comment.created'] }
      const cases = [
        { who: 'nobody', res: await fromEngawa(t, 'POST', hooks(t), input), status: 401 },
        { who: 'a moderator', res: await fromEngawa(t, 'POST', hooks(t), input, mod.cookie), status: 403 },
        { who: 'another site’s owner', res: await fromEngawa(t, 'POST', hooks(t), input, stranger.cookie), status: 403 },
        { who: 'an owner’s widget token', res: await t.request('POST', hooks(t), input, { headers: bearer(await widgetToken(t, boss.cookie)) }), status: 403 },
      ]
      for (const c of cases) expect([c.who, c.res.status]).toEqual([c.who, c.status])
      expect(await countWebhooks(t)).toBe(0)
      // Reading, and acting on an owner's endpoint, too.
      expect((await fromEngawa(t, 'GET', hooks(t), undefined, mod.cookie)).status).toBe(403)
      const made = await fromEngawa(t, 'POST', hooks(t), input, boss.cookie)
      const { webhook, secret } = await made.json()
      const one = `${hooks(t)}/${webhook.id}`
      for (const [method, path, body] of [['GET', one], ['PATCH', one, { enabled: false }], ['DELETE', one], ['POST', `${one}/secret`, {}], ['POST', `${one}/test`, {}], ['GET', `${one}/attempts`]] as const) {
        expect([method, path, (await fromEngawa(t, method, path, body, mod.cookie)).status]).toEqual([method, path, 403])
        expect([method, path, (await fromEngawa(other, method, path.replace(t.site.id, other.site.id), body, stranger.cookie)).status]).toEqual([method, path, 404])
      }
      const after = await t.db.selectFrom('webhooks').selectAll().where('site_id', '=', t.site.id).execute()
      expect(after).toMatchObject([{ enabled: true, secret }])
      expect(await t.db.selectFrom('webhook_deliveries').select('id').where('site_id', '=', t.site.id).execute()).toEqual([])
    })

    it.each([
      { case: 'no URL', input: { events: ['comment.created'] }, code: 'invalid_request' },
      { case: 'a URL that is not one', input: { url: 'not a url', events: ['comment.created'] }, code: 'invalid_request' },
      { case: 'an unknown event', input: { url: 'https://93.184.216.34/hook', events: ['comment.liked'] }, code: 'invalid_request' },
      { case: 'no events', input: { url: 'https://93.184.216.34/hook', events: [] }, code: 'invalid_request' },
      { case: 'an unknown field', input: { url: 'https://93.184.216.34/hook', events: ['comment.created'], secret: 'mine' }, code: 'invalid_request' },
      { case: 'plain http', input: { url: 'http://93.184.216.34/hook', events: ['comment.created'] }, code: 'webhook_url_not_allowed' },
      { case: 'another scheme', input: { url: 'ftp://93.184.216.34/hook', events: ['comment.created'] }, code: 'webhook_url_not_allowed' },
      { case: 'credentials in the URL', input: { url: 'https://user:pw@93.184.216.34/hook', events: ['comment.created'] }, code: 'webhook_url_not_allowed' },
    ])('refuses $case with 400 and writes nothing', async ({ input, code }) => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const res = await fromEngawa(t, 'POST', hooks(t), input, cookie)
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe(code)
      expect(await countWebhooks(t)).toBe(0)
    })

    it.each([
      'https://127.0.0.1/hook',
      'https://127.1.2.3:8443/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:a00:1]/hook',
      'https://[::7f00:1]/hook',
      'https://10.0.0.5/hook',
      'https://172.16.3.4/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[fd00::1]/hook',
      'https://[fe80::1]/hook',
      'https://224.0.0.1/hook',
      'https://localhost/hook',
      'https://2130706433/hook',
      'https://0x7f.1/hook',
    ])('refuses %s, an internal address, unless the operator allows them', async (url) => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const res = await fromEngawa(t, 'POST', hooks(t), { url, events: ['comment.created'] }, cookie)
      expect(res.status).toBe(400)
      const { error } = await res.json()
      expect(error.code).toBe('webhook_url_not_allowed')
      expect(error.message).toMatch(/internal address/)
      expect(await countWebhooks(t)).toBe(0)
    })

    it('accepts a public address, and refuses changing it to an internal one', async () => {
      const t = await startApp(database())
      const { cookie } = await staffOf(t, 'Owner', 'owner')
      const made = await fromEngawa(t, 'POST', hooks(t), { url: 'https://93.184.216.34/hook', events: ['comment.created'] }, cookie)
      expect(made.status).toBe(201)
      const { webhook } = await made.json()
      const moved = await fromEngawa(t, 'PATCH', `${hooks(t)}/${webhook.id}`, { url: 'https://169.254.169.254/' }, cookie)
      expect(moved.status).toBe(400)
      expect((await moved.json()).error.code).toBe('webhook_url_not_allowed')
      expect((await t.db.selectFrom('webhooks').select('url').where('site_id', '=', t.site.id).executeTakeFirstOrThrow()).url).toBe('https://93.184.216.34/hook')
    })

    it('documents every webhook route in the OpenAPI document', async () => {
      const t = await startApp(database())
      const doc = await (await t.get('/api/openapi.json')).json()
      const paths = Object.keys(doc.paths).filter((p) => p.includes('webhooks'))
      expect(paths.sort()).toEqual([
        '/api/v1/admin/sites/{site}/webhooks',
        '/api/v1/admin/sites/{site}/webhooks/{id}',
        '/api/v1/admin/sites/{site}/webhooks/{id}/attempts',
        '/api/v1/admin/sites/{site}/webhooks/{id}/secret',
        '/api/v1/admin/sites/{site}/webhooks/{id}/test',
      ])
    })
  })
})
