import { describe, expect, it } from 'vitest'
import { ENGAWA_ORIGIN, uniqueEmail } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'
import { digestsTo, linkIn, MINUTE, outboxTo, runDigests } from './notify-helpers.ts'

/** Presses the page's button: its form, posted as a browser posts it. */
const pressButton = (t: TestApp, path: string) =>
  t.request('POST', path, 'from=page', { origin: ENGAWA_ORIGIN, headers: { 'content-type': 'application/x-www-form-urlencoded' } })

forEachBackend((database) => {
  describe('the pages of mailed notification links', () => {
    it('confirm once: the button leads to a page without the token, and the link then works no more', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('guest')
      await postGuest(t, 'Mail me', { author: { name: 'Aki', email }, notify: 'replies', locale: 'ja' })
      const path = linkIn((await outboxTo(t, email))[0]?.body_text, 'confirm')
      const page = await (await t.request('GET', path, undefined, { origin: false })).text()
      expect(page).toContain('<input type="hidden" name="from" value="page" />')
      const pressed = await pressButton(t, path)
      expect(pressed.status).toBe(303)
      const next = pressed.headers.get('location') ?? ''
      expect(next).toBe('/api/v1/notifications/confirm/done?lang=ja')
      expect(next).not.toContain('token')
      expect(await (await t.get(next, { origin: false })).text()).toContain('確認しました')
      const again = await pressButton(t, path)
      expect(again.status).toBe(404)
      expect((await t.request('GET', path, undefined, { origin: false })).status).toBe(404)
      expect(await t.db.selectFrom('notify_tokens').select('id').where('site_id', '=', t.site.id).where('purpose', '=', 'confirm').execute()).toEqual([])
    })

    it('unsubscribe from the page the same way; the token then works no more', async () => {
      const t = await startApp(database())
      const email = uniqueEmail('guest')
      const parent = await postGuest(t, 'Mail me', { author: { name: 'Aki', email }, notify: 'replies' })
      expect((await pressButton(t, linkIn((await outboxTo(t, email))[0]?.body_text, 'confirm'))).status).toBe(303)
      await postGuest(t, 'A reply', { parentId: parent.id, author: { name: 'Ben' } })
      t.clock.advance(10 * MINUTE)
      expect(await runDigests(t)).toBe(1)
      const [digest] = await digestsTo(t, email)
      const path = linkIn(digest?.body_text, 'unsubscribe')
      const pressed = await pressButton(t, path)
      expect(pressed.status).toBe(303)
      expect(pressed.headers.get('location')).toBe('/api/v1/notifications/unsubscribe/done?lang=en')
      expect((await pressButton(t, path)).status).toBe(404)
    })
  })
})
