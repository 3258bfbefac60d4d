import { describe, expect, it } from 'vitest'
import { setSiteRole } from '../../src/sites/members.ts'
import { runMaintenance } from '../../src/jobs/maintenance.ts'
import { ENGAWA_ORIGIN, fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

const MINUTE = 60_000

async function queueMails(t: TestApp, to: string) {
  return t.db.selectFrom('outbox_mails').select(['subject', 'body_text']).where('to_address', '=', to).where('subject', 'like', '%moderator%').orderBy('created_at').execute()
}

forEachBackend((database) => {
  describe('queue mail for moderators', () => {
    it('mails those who asked when something enters the queue, one mail per few minutes at most', async () => {
      const t = await startApp(database(), { site: { premoderation: 'all', name: 'Field notes' } })
      const mod = await signUpAndVerify(t, undefined, 'Mod')
      const quiet = await signUpAndVerify(t, undefined, 'Quiet owner')
      await setSiteRole(t.db, t.site.id, mod.email, 'moderator')
      await setSiteRole(t.db, t.site.id, quiet.email, 'owner')
      const optIn = await fromEngawa(t, 'PUT', `/api/v1/moderation/sites/${t.site.id}/notifications`, { queue: true }, mod.cookie)
      expect(optIn.status).toBe(200)
      const run = () => runMaintenance(t.db, t.clock.now(), ENGAWA_ORIGIN)

      t.clock.advance(1000)
      await postGuest(t, 'first')
      await postGuest(t, 'second')
      expect((await run()).queueMails).toBe(0) // opted in moments ago: the first mail waits for the spacing
      t.clock.advance(5 * MINUTE)
      expect((await run()).queueMails).toBe(1)
      const [mail] = await queueMails(t, mod.email)
      expect(mail?.subject).toBe('2 comments need a moderator')
      expect(mail?.body_text).toContain('- Field notes: 2 waiting for approval')
      expect(mail?.body_text).toContain(`${ENGAWA_ORIGIN}/admin`)
      expect(await queueMails(t, quiet.email)).toEqual([])
      expect((await run()).queueMails).toBe(0)

      t.clock.advance(MINUTE)
      await postGuest(t, 'third')
      expect((await run()).queueMails).toBe(0)
      t.clock.advance(4 * MINUTE)
      expect((await run()).queueMails).toBe(1)
      expect((await queueMails(t, mod.email))[1]?.subject).toBe('A comment needs a moderator')
      t.clock.advance(10 * MINUTE)
      expect((await run()).queueMails).toBe(0) // nothing new
    })
  })
})
