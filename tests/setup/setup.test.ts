import { describe, expect, it } from 'vitest'
import { openSetup } from '../../src/setup/setup-secrets.ts'
import { ENGAWA_ORIGIN, fromEngawa, PASSWORD, sessionCookie, uniqueEmail } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

// The first hour without a terminal: while no instance admin exists, a setup link (logged by each
// start) makes the first one; afterwards the route is gone.
forEachBackend((database) => {
  /** An app on a database where no instance admin exists yet (other tests of the file may have made one). */
  async function freshInstance(): Promise<TestApp> {
    const t = await startApp(database())
    await t.db.updateTable('users').set({ is_instance_admin: false }).execute()
    await t.db.deleteFrom('setup_secrets').execute()
    return t
  }
  const admins = (t: TestApp) => t.db.selectFrom('users').select(['email', 'display_name']).where('is_instance_admin', '=', true).execute()
  const setUp = (t: TestApp, body: Record<string, unknown>) => fromEngawa(t, 'POST', '/api/v1/setup', body)

  describe('first run', () => {
    it('says setup is waiting, then makes the first admin from the link, signed in, and the route is gone', async () => {
      const t = await freshInstance()
      expect(await (await t.get('/', { origin: false })).text()).toContain('setup is waiting')
      const secret = (await openSetup(t.db, t.clock.now())) as string
      expect(secret).toMatch(/^[a-z2-9]{32}$/)
      // Only its hash is kept.
      const stored = await t.db.selectFrom('setup_secrets').select('secret_hash').execute()
      expect(stored).toHaveLength(1)
      expect(Buffer.from(stored[0]?.secret_hash ?? []).toString()).not.toContain(secret)
      const form = await t.get('/setup', { origin: false })
      expect(form.status).toBe(200)
      expect(await form.text()).toContain('/static/setup.js')

      const email = uniqueEmail('owner')
      const res = await setUp(t, { secret, email, name: 'Olive', password: PASSWORD })
      expect(res.status).toBe(201)
      expect((await res.json()).user).toMatchObject({ displayName: 'Olive', isInstanceAdmin: true })
      expect(await admins(t)).toEqual([{ email, display_name: 'Olive' }])
      const dashboard = await t.request('GET', '/admin', undefined, { origin: false, headers: { cookie: sessionCookie(res) } })
      expect(dashboard.status).toBe(200)
      // The same password signs in again.
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(200)

      expect(await t.db.selectFrom('setup_secrets').selectAll().execute()).toEqual([])
      expect(await openSetup(t.db, t.clock.now())).toBeUndefined()
      expect((await t.get('/setup', { origin: false })).status).toBe(404)
      // A stale setup link followed in a browser: a page that says so and leads on, not JSON.
      const stale = await t.get('/setup', { origin: false, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
      expect(stale.status).toBe(404)
      expect(stale.headers.get('content-type')).toMatch(/^text\/html/)
      const said = await stale.text()
      expect(said).toContain('<p>Setup is done: sign in at /admin.</p>')
      expect(said).toContain('href="/admin"')
      for (const body of [{ secret, email: uniqueEmail(), name: 'Mallory', password: PASSWORD }, {}, { secret: 'x' }]) {
        const again = await setUp(t, body)
        expect(again.status).toBe(404)
      }
      const home = await (await t.get('/', { origin: false })).text()
      for (const link of ['href="/admin"', 'href="/demo"', 'href="/api/openapi.json"']) expect(home).toContain(link)
      expect(home).not.toContain('setup is waiting')
    })

    it('refuses a wrong secret, a weak password or a taken address, writing nothing and keeping the link valid', async () => {
      const t = await freshInstance()
      const secret = (await openSetup(t.db, t.clock.now())) as string
      const email = uniqueEmail('owner')
      const wrong = await setUp(t, { secret: secret.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')), email, name: 'Olive', password: PASSWORD })
      expect(wrong.status).toBe(400)
      expect((await wrong.json()).error.code).toBe('invalid_link')
      const weak = await setUp(t, { secret, email, name: 'Olive', password: 'short' })
      expect(weak.status).toBe(422)
      expect((await setUp(t, { secret, email: 'not an address', name: 'Olive', password: PASSWORD })).status).toBe(400)
      expect((await setUp(t, { secret, email, name: '', password: PASSWORD })).status).toBe(400)
      const reader = uniqueEmail('reader')
      await t.db.insertInto('users').values({ email: reader, display_name: 'Reader' }).execute()
      const taken = await setUp(t, { secret, email: reader, name: 'Olive', password: PASSWORD })
      expect(taken.status).toBe(409)
      expect((await taken.json()).error.message).toContain('admin create')
      // From a page elsewhere, the cookie-setting request is refused.
      const elsewhere = await t.request('POST', '/api/v1/setup', { secret, email, name: 'Olive', password: PASSWORD }, { origin: 'https://evil.example' })
      expect(elsewhere.status).toBe(403)
      expect(await admins(t)).toEqual([])
      expect(await t.db.selectFrom('setup_secrets').selectAll().execute()).toHaveLength(1)
      expect((await setUp(t, { secret, email, name: 'Olive', password: PASSWORD })).status).toBe(201)
    })

    it('keeps every start’s link valid until one is used; of two sent at once, one wins', async () => {
      const t = await freshInstance()
      const first = (await openSetup(t.db, t.clock.now())) as string
      const second = (await openSetup(t.db, t.clock.now())) as string
      expect(first).not.toBe(second)
      const answers = await Promise.all(
        [first, second].map((secret, i) => setUp(t, { secret, email: uniqueEmail(`admin${i}`), name: `Admin ${i}`, password: PASSWORD })),
      )
      expect(answers.map((a) => a.status).sort()).toEqual([201, 404])
      expect(await admins(t)).toHaveLength(1)
    })

    it('says how to get a link where none was ever made (a runtime without a start log), making nothing', async () => {
      const t = await freshInstance()
      const res = await setUp(t, { secret: 'abcdefghijkmnpqrstuvwxyz23456789', email: uniqueEmail('owner'), name: 'Olive', password: PASSWORD })
      expect(res.status).toBe(400)
      const error = (await res.json()).error
      expect(error.code).toBe('invalid_link')
      expect(error.message).toContain('admin create')
      expect(await admins(t)).toEqual([])
    })

    it('is described in the API document', async () => {
      const t = await freshInstance()
      const doc = await (await t.get('/api/openapi.json', { origin: false })).json()
      expect(Object.keys(doc.paths['/api/v1/setup'].post.responses)).toEqual(expect.arrayContaining(['201', '404']))
      expect(ENGAWA_ORIGIN).toMatch(/^http/)
    })
  })
})
