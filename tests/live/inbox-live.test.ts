import { describe, expect, it } from 'vitest'
import { bearer, fromEngawa, readerOf, staffOf } from '../helpers/accounts.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { cuttableListen, liveFeeds } from '../helpers/live-feeds.ts'
import { postSignedIn } from '../helpers/comments.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { startApp, type TestApp } from '../helpers/harness.ts'

// A reader's own stream: word that something came to their inbox, on whichever instance they
// are connected to, from a comment published through any other.

forEachBackend((database) => {
  const feed = liveFeeds(database)
  const inboxLive = (t: TestApp, token?: string, site = t.site.id) => t.get(`/api/v1/sites/${site}/inbox/live`, token ? { headers: bearer(token) } : {})

  describe("a reader's inbox, live", () => {
    it('tells a reader connected to another instance of a reply and of a mention, and nobody else', async () => {
      const here = await startApp(database(), { live: await feed() })
      const otherDb = database().connectAgain()
      const there = await startApp(database(), { db: otherDb, live: await feed(otherDb) })
      const hana = await readerOf(here, 'Hana')
      const ren = await readerOf(here, 'Ren')
      const aki = await readerOf(here, 'Aki')
      const first = await postSignedIn(here, hana.token, 'A thought.')
      await postSignedIn(here, ren.token, 'Me too.')

      const res = await inboxLive(there, hana.token, here.site.id)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const hanas = eventReader(res)
      await hanas.next('ready')
      const akis = eventReader(await inboxLive(there, aki.token, here.site.id))
      await akis.next('ready')

      await postSignedIn(here, ren.token, 'A reply to you.', { parentId: first.id })
      expect(await hanas.next('inbox', 5000)).toBe('{}')
      await postSignedIn(here, aki.token, 'As @Hana said.')
      await hanas.next('inbox', 5000)
      // Aki was told of nothing: their own comment is not news to them, and none was for them.
      await expect(akis.next('inbox', 500)).rejects.toThrow(/no "inbox" event/)
      await hanas.cancel()
      await akis.cancel()
    })

    it('says nothing of a comment held for moderation until it is published', async () => {
      const t = await startApp(database(), { live: await feed(), site: { premoderation: 'all' } })
      const mod = await staffOf(t, 'Mod')
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren')
      const first = await postSignedIn(t, hana.token, 'A thought.')
      await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${first.id}`, { action: 'approve' }, mod.cookie)
      const hanas = eventReader(await inboxLive(t, hana.token))
      await hanas.next('ready')
      const held = await postSignedIn(t, ren.token, 'A reply, held.', { parentId: first.id })
      await expect(hanas.next('inbox', 1000)).rejects.toThrow(/no "inbox" event/)
      expect((await fromEngawa(t, 'POST', `/api/v1/moderation/sites/${t.site.id}/comments/${held.id}`, { action: 'approve' }, mod.cookie)).status).toBe(200)
      await hanas.next('inbox', 5000)
      await hanas.cancel()
    })

    it('tells readers to look again once LISTEN is back, for what came while it was away', async () => {
      const cuttable = cuttableListen(database)
      const t = await startApp(database(), { live: await feed(database().db, cuttable.listen) })
      const hana = await readerOf(t, 'Hana')
      const ren = await readerOf(t, 'Ren')
      const first = await postSignedIn(t, hana.token, 'A thought.')
      const hanas = eventReader(await inboxLive(t, hana.token))
      await hanas.next('ready')
      cuttable.cut()
      await postSignedIn(t, ren.token, 'Answered while nobody listened.', { parentId: first.id })
      await expect(hanas.next('inbox', 300)).rejects.toThrow(/no "inbox" event/)
      cuttable.resume()
      await hanas.next('inbox', 5000)
      await hanas.cancel()
    })

    it('is for signed-in readers only, and says where no streams are held', async () => {
      const t = await startApp(database(), { live: await feed() })
      expect((await inboxLive(t)).status).toBe(401)
      const hana = await readerOf(t, 'Hana')
      const without = await startApp(database())
      const res = await inboxLive(without, hana.token, t.site.id)
      expect([res.status, (await res.json()).error.code]).toEqual([501, 'live_unavailable'])
    })
  })
})
