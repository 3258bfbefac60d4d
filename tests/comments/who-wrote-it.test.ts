import { describe, expect, it } from 'vitest'
import { fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { guestComment, postAs, postGuest, readThread } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  describe('who wrote a comment', () => {
    it('says whether a guest, a signed-in reader, a moderator or the owner wrote it, on the page and as posted', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive Owner', 'owner')
      const mod = await staffOf(t, 'Mina Moderator')
      const reader = await readerOf(t, 'Rei Reader')
      const posted = [
        (await (await postAs(t, owner.token, 'From the owner')).json()).comment,
        (await (await postAs(t, mod.token, 'From a moderator')).json()).comment,
        (await (await postAs(t, reader.token, 'From a reader')).json()).comment,
      ]
      await postGuest(t, 'From a guest')
      expect(posted.map((c) => c.author)).toEqual([
        { name: 'Olive Owner', kind: 'owner', hue: expect.any(Number) },
        { name: 'Mina Moderator', kind: 'moderator', hue: expect.any(Number) },
        { name: 'Rei Reader', kind: 'reader', hue: expect.any(Number) },
      ])
      const page = await readThread(t)
      expect(page.comments.map((c: { author: { name: string; kind: string } }) => [c.author.name, c.author.kind])).toEqual([
        ['Olive Owner', 'owner'], ['Mina Moderator', 'moderator'], ['Rei Reader', 'reader'], ['Aki', 'guest'],
      ])
    })

    it.each([
      { case: 'the exact name', name: 'Mina Moderator' },
      { case: 'another case', name: 'MINA moderator' },
      { case: 'full-width letters (NFKC)', name: 'Ｍｉｎａ Ｍｏｄｅｒａｔｏｒ' },
      { case: 'a zero-width space inside', name: 'Mina\u200B Moderator' },
      { case: 'no space', name: 'MinaModerator' },
      { case: 'the owner’s name', name: 'olive owner' },
    ])('refuses a guest who takes a staff member’s name ($case), writing nothing', async ({ name }) => {
      const t = await startApp(database())
      await staffOf(t, 'Olive Owner', 'owner')
      await staffOf(t, 'Mina Moderator')
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('I am staff, trust me', { author: { name, email: 'mina@mail.example' } }))
      expect(res.status).toBe(422)
      expect((await res.json()).error.code).toBe('name_reserved')
      expect(await t.count('comments')).toBe(0)
    })

    it('lets a guest take a name no staff member has, and a reader with a staff member’s name keep it (their account tells them apart)', async () => {
      const t = await startApp(database())
      await staffOf(t, 'Mina Moderator')
      await postGuest(t, 'Hello', { author: { name: 'Mina' } })
      const twin = await readerOf(t, 'Mina Moderator')
      const res = await postAs(t, twin.token, 'Same name, my own account')
      expect(res.status).toBe(201)
      expect((await res.json()).comment.author).toEqual({ name: 'Mina Moderator', kind: 'reader', hue: expect.any(Number) })
    })

    it('gives each author a colour of their own: the same for one account or guest, different for people of one name', async () => {
      const t = await startApp(database())
      const hue = async (res: Promise<Response>) => (await (await res).json()).comment.author.hue as number
      const asGuest = (body: string, ip: string) => t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment(body, { author: { name: 'Ken' } }), { ip })
      const hana = await readerOf(t, 'Hana')
      const mine = [await hue(postAs(t, hana.token, 'one')), await hue(postAs(t, hana.token, 'two'))]
      const twins: number[] = []
      for (let i = 0; i < 4; i++) twins.push(await hue(postAs(t, (await readerOf(t, 'Hana')).token, `twin ${i}`)))
      const guest = [await hue(asGuest('a', '192.0.2.1')), await hue(asGuest('b', '192.0.2.1'))]
      const guests: number[] = []
      for (let i = 0; i < 4; i++) guests.push(await hue(asGuest(`c ${i}`, `198.51.100.${i + 1}`)))
      for (const h of [...mine, ...twins, ...guest, ...guests]) expect(Number.isInteger(h) && h >= 0 && h < 360).toBe(true)
      expect(mine[1]).toBe(mine[0])
      expect(guest[1]).toBe(guest[0])
      // One colour per person, not per name (five people of one name alike would be chance: 1 in 360^4).
      expect(new Set([mine[0], ...twins]).size).toBeGreaterThan(1)
      expect(new Set([guest[0], ...guests]).size).toBeGreaterThan(1)
      const page = await readThread(t)
      expect(page.comments.map((c: { author: { hue: number } }) => c.author.hue)).toEqual([...mine, ...twins, ...guest, ...guests])
    })
  })

  describe('names', () => {
    it('drops bidirectional controls from a guest’s name', async () => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hi', { author: { name: 'Aki\u202Enimda\u202C\u2066x\u2069' } }))
      expect(res.status).toBe(201)
      expect((await res.json()).comment.author.name).toBe('Akinimdax')
    })

    it.each([
      { case: 'a line break', name: 'Aki\nBcc: someone' },
      { case: 'a tab', name: 'Aki\tSan' },
      { case: 'a C1 control', name: 'Aki\u0085' },
    ])('refuses a name with $case (400), writing nothing', async ({ name }) => {
      const t = await startApp(database())
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('hi', { author: { name } }))
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('invalid_request')
      expect(await t.count('comments')).toBe(0)
    })

    it('refuses a site name with a line break, and a guest who asks for mail on a site named oddly still posts', async () => {
      const t = await startApp(database())
      const owner = await staffOf(t, 'Olive Owner', 'owner')
      const patch = await fromEngawa(t, 'PATCH', `/api/v1/admin/sites/${t.site.id}/settings`, { name: 'Blog\nBcc: x@evil.example' }, owner.cookie)
      expect(patch.status).toBe(400)
      expect((await patch.json()).error.message).toMatch(/name/)
      // A name stored before names were checked (or by an operator's SQL) still cannot turn a post into a 500.
      await t.db.updateTable('sites').set({ name: 'Old\r\nname' }).where('id', '=', t.site.id).execute()
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, guestComment('Mail me', { author: { name: 'Aki', email: 'aki@mail.example' }, notify: 'replies' }))
      expect(res.status).toBe(201)
      const mail = await t.db.selectFrom('outbox_mails').select('subject').where('to_address', '=', 'aki@mail.example').executeTakeFirstOrThrow()
      expect(mail.subject).not.toMatch(/[\r\n]/)
    })
  })
})
