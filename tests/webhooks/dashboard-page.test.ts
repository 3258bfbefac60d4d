import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

// The dashboard's Webhooks page: owners only, linked from the settings page, listing endpoints
// with their delivery log and never their secrets.

const open = (t: TestApp, path: string, cookie: string) => t.request('GET', path, undefined, { origin: false, headers: { cookie } })

forEachBackend((database) => {
  describe('the Webhooks page', () => {
    it('shows owners their endpoints, the delivery log and the form, never a secret; moderators are refused', async () => {
      const t = await startApp(database())
      const owner = await signUpAndVerify(t, undefined, 'Owner')
      await setSiteRole(t.db, t.site.id, owner.email, 'owner')
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      const made = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/webhooks`, { url: 'https://93.184.216.34/hook?a=1&b=<x>', events: ['comment.created'], description: 'Chat relay' }, owner.cookie)
      expect(made.status).toBe(201)
      const { webhook, secret } = await made.json()
      await t.db
        .insertInto('webhook_attempts')
        .values({
          site_id: t.site.id, webhook_id: webhook.id, delivery_id: crypto.randomUUID(), event_type: 'comment.created', attempt: 2,
          attempted_at: t.clock.now(), status_code: 500, error: 'The endpoint answered 500.', response_excerpt: '<b>oops</b>', duration_ms: 42,
          outcome: 'retrying', next_attempt_at: t.clock.now(),
        })
        .execute()
      const path = `/admin/sites/${t.site.id}/webhooks`

      const res = await open(t, path, owner.cookie)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
      const html = await res.text()
      expect(html).toContain('id="webhook-form"')
      expect(html).toContain(`data-webhook="${webhook.id}"`)
      expect(html).toContain('https://93.184.216.34/hook?a=1&amp;b=%3Cx%3E')
      expect(html).toContain('Chat relay')
      expect(html).toContain('Failed, will retry')
      expect(html).toContain('The endpoint answered 500. &lt;b&gt;oops&lt;/b&gt;')
      expect(html).toContain('42 ms')
      expect(html).not.toContain(secret)
      expect(html).not.toMatch(/<script>|style="/)

      expect(await (await open(t, `/admin/sites/${t.site.id}/settings`, owner.cookie)).text()).toContain(`href="${path}"`)
      const asMod = await open(t, path, mod.cookie)
      expect(asMod.status).toBe(403)
      expect(await asMod.text()).not.toContain('93.184.216.34')
      expect(await (await open(t, `/admin/sites/${t.site.id}/settings`, mod.cookie)).text()).not.toContain(`href="${path}"`)
    })
  })
})
