import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database } from '../../src/db/schema.ts'
import { describe, expect, it } from 'vitest'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { ENGAWA_ORIGIN, fromEngawa, PASSWORD, signUpAndVerify, uniqueEmail } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { startApp } from '../helpers/harness.ts'

const DAY = 24 * 60 * 60 * 1000

forEachBackend((database) => {
  describe('maintenance', () => {
    it('clears expired sessions, link tokens and rate-limit windows, and keeps live ones', async () => {
      const t = await startApp(database())
      const { cookie, user } = await signUpAndVerify(t)
      await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email: uniqueEmail() })
      const first = await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)
      expect(first).toEqual({ queueMails: 0, notificationMails: 0, sessions: 0, emailTokens: 0, oauthAttempts: 0, rateLimits: 0, ssoNonces: 0, notificationRecipients: 0, abandonedImports: 0, idempotencyKeys: 0, widgetLoads: 0, inboxItems: 0, failed: {} })
      t.clock.advance(2 * DAY)
      expect((await fromEngawa(t, 'POST', '/api/v1/auth/login', { email: 'x@y.example', password: PASSWORD })).status).toBe(401)
      const later = await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)
      expect(later.emailTokens).toBeGreaterThanOrEqual(2)
      expect(later.rateLimits).toBeGreaterThanOrEqual(2)
      expect((await fromEngawa(t, 'GET', '/api/v1/me', undefined, cookie)).status).toBe(200)
      t.clock.advance(31 * DAY)
      expect((await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)).sessions).toBeGreaterThanOrEqual(1)
      expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([])
      expect(await t.db.selectFrom('rate_limits').select('key').where('expires_at', '<=', t.clock.now()).execute()).toEqual([])
    })

    it('runs every step whatever became of the one before: a failing step is named, and the rest still clear', async () => {
      const t = await startApp(database())
      await signUpAndVerify(t)
      await fromEngawa(t, 'POST', '/api/v1/auth/reset', { email: uniqueEmail() })
      t.clock.advance(2 * DAY)
      // The digests' table gone from under the second step.
      await sql`alter table notify_events rename to notify_events_away`.execute(t.db)
      try {
        const done = await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)
        expect(Object.keys(done.failed)).toEqual(['notificationMails'])
        expect(done.failed.notificationMails).toMatch(/notify_events/)
        expect(done.notificationMails).toBeNull()
        expect(done.emailTokens).toBeGreaterThanOrEqual(2)
      } finally {
        await sql`alter table notify_events_away rename to notify_events`.execute(t.db)
      }
      expect((await runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)).failed).toEqual({})
    })
  })
})

describe('maintenance with the database away', () => {
  it('tries no more steps once the database is found away, each of which would wait for it in turn', async () => {
    const away = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 }) }) })
    try {
      const { failed, ...counts } = await runMaintenance(away, new Date(), ENGAWA_ORIGIN)
      expect(Object.values(counts).every((count) => count === null)).toBe(true)
      const [first, ...rest] = Object.values(failed)
      expect(first).toMatch(/ECONNREFUSED/)
      expect(rest.length).toBeGreaterThan(5)
      expect(new Set(rest)).toEqual(new Set(['not run: the database is unavailable']))
    } finally {
      await away.destroy()
    }
  })
})
