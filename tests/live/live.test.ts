import { describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { cuttableListen, liveFeeds } from '../helpers/live-feeds.ts'
import { postGuest, readThread } from '../helpers/comments.ts'
import { fromEngawa, staffOf } from '../helpers/accounts.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { ARTICLE_URL, startApp } from '../helpers/harness.ts'

forEachBackend((database) => {
  const feed = liveFeeds(database)
  const livePath = (site: string) => `/api/v1/sites/${site}/thread/live?url=${encodeURIComponent(ARTICLE_URL)}`

  describe('live updates', () => {
    it('push a new comment within two seconds to readers on this instance and on another', async () => {
      const here = await startApp(database(), { live: await feed() })
      const otherDb = database().connectAgain()
      // A second instance: its own connections and its own LISTEN, serving the same site.
      const there = await startApp(database(), { db: otherDb, live: await feed(otherDb) })
      const res = await here.get(livePath(here.site.id))
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      expect(res.headers.get('access-control-allow-origin')).toBe(here.site.origin)
      const events = eventReader(res)
      await events.next('ready')
      const elsewhere = eventReader(await there.get(livePath(here.site.id)))
      await elsewhere.next('ready')

      const posted = await postGuest(here, 'Live and **bold**')
      const pushed = JSON.parse(await events.next('comment', 2000))
      expect(pushed).toMatchObject({ id: posted.id, author: { name: 'Aki' }, status: 'published' })
      expect(pushed.html).toContain('<strong>bold</strong>')
      expect(JSON.parse(await elsewhere.next('comment', 2000)).id).toBe(posted.id)
      await events.cancel()
      await elsewhere.cancel()
    })

    it('sends first what was published after the reader’s page was read (since), then what comes; nothing twice', async () => {
      const t = await startApp(database(), { live: await feed() })
      await postGuest(t, 'Already on the page')
      const page = await readThread(t)
      const missed = await postGuest(t, 'Posted between reading the page and opening the stream')
      const events = eventReader(await t.get(`${livePath(t.site.id)}&since=${page.thread.lastSeq}`))
      const first = await events.next('comment', 2000)
      expect(JSON.parse(first).id).toBe(missed.id)
      const later = await postGuest(t, 'Posted while the stream is open')
      expect(JSON.parse(await events.next('comment', 2000)).id).toBe(later.id)
      await expect(events.next('comment', 500)).rejects.toThrow(/no "comment" event/)
      await events.cancel()
    })

    it('resumes a reconnecting browser from its Last-Event-ID', async () => {
      const t = await startApp(database(), { live: await feed() })
      const events = eventReader(await t.get(livePath(t.site.id)))
      await events.next('ready')
      await postGuest(t, 'Seen before the connection dropped')
      await events.next('comment', 2000)
      const lastEventId = events.lastEventId
      expect(lastEventId).toMatch(/^\d+$/)
      await events.cancel()
      const whileAway = await postGuest(t, 'Posted while the browser was reconnecting')
      const resumed = eventReader(await t.get(livePath(t.site.id), { headers: { 'last-event-id': lastEventId } }))
      expect(JSON.parse(await resumed.next('comment', 2000)).id).toBe(whileAway.id)
      await resumed.cancel()
    })

    it('holds at most so many streams per network and per process, answering 429 beyond, and frees a place when one ends', async () => {
      const t = await startApp(database(), { live: await feed(), config: { liveStreamLimits: { perNetwork: 2, perProcess: 3 } } })
      const open = async (ip: string) => t.get(livePath(t.site.id), { ip })
      const first = eventReader(await open('192.0.2.1'))
      await first.next('ready')
      const second = eventReader(await open('192.0.2.1'))
      await second.next('ready')
      const third = await open('192.0.2.1')
      expect(third.status).toBe(429)
      expect((await third.json()).error.code).toBe('rate_limited')
      expect(third.headers.get('retry-after')).toBe('60')
      const elsewhere = eventReader(await open('198.51.100.7'))
      await elsewhere.next('ready')
      // The process holds three: a fourth network is refused too.
      expect((await open('203.0.113.9')).status).toBe(429)
      await first.cancel()
      await expect.poll(async () => {
        const res = await open('192.0.2.1')
        await res.body?.cancel()
        return res.status
      }).toBe(200)
      await second.cancel()
      await elsewhere.cancel()
    })

    it('tells readers of an edit, a delete, a pin and a merge, each as it is committed, on every instance', async () => {
      const t = await startApp(database(), { live: await feed() })
      const mod = await staffOf(t, 'Owner', 'owner')
      const edited = await postGuest(t, 'Before')
      const deleted = await postGuest(t, 'Soon gone')
      const otherDb = database().connectAgain()
      const there = await startApp(database(), { db: otherDb, live: await feed(otherDb) })
      const events = eventReader(await there.get(livePath(t.site.id)))
      await events.next('ready')
      const site = `/api/v1/sites/${t.site.id}`
      expect((await t.request('PATCH', `${site}/comments/${edited.id}`, { body: 'After' }, { headers: { 'x-edit-token': edited.editToken ?? '' } })).status).toBe(200)
      const edit = JSON.parse(await events.next('update', 2000))
      expect([edit.comment.id, edit.comment.html, edit.visible]).toEqual([edited.id, '<p>After</p>', true])
      expect((await t.request('DELETE', `${site}/comments/${deleted.id}`, undefined, { headers: { 'x-edit-token': deleted.editToken ?? '' } })).status).toBe(200)
      const gone = JSON.parse(await events.next('update', 2000))
      expect([gone.comment.id, gone.comment.status, gone.visible]).toEqual([deleted.id, 'deleted', false])
      const moderate = `/api/v1/moderation/sites/${t.site.id}/comments/${edited.id}`
      expect((await fromEngawa(t, 'POST', moderate, { action: 'pin' }, mod.cookie)).status).toBe(200)
      expect(JSON.parse(await events.next('thread', 2000)).pinnedId).toBe(edited.id)
      // Another page's thread merged into this one: readers are told to read the page again.
      await t.post(`${site}/comments`, { thread: { url: `${ARTICLE_URL}-copy` }, author: { name: 'Elsewhere' }, body: 'On the copy' })
      const merge = await fromEngawa(t, 'POST', `/api/v1/admin/sites/${t.site.id}/threads/merge`, { from: `${ARTICLE_URL}-copy`, into: ARTICLE_URL }, mod.cookie)
      expect(merge.status).toBe(200)
      await events.next('renewed', 2000)
      await events.cancel()
    })

    it('refuses a Last-Event-ID that is not a position (400)', async () => {
      const t = await startApp(database(), { live: await feed() })
      const res = await t.get(livePath(t.site.id), { headers: { 'last-event-id': 'abc' } })
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('invalid_request')
    })

    it('never pushes a comment awaiting moderation, nor another page’s', async () => {
      const t = await startApp(database(), { live: await feed(), site: { premoderation: 'all' } })
      const events = eventReader(await t.get(livePath(t.site.id)))
      await events.next('ready')
      await postGuest(t, 'Pending, so private')
      await postGuest(t, 'Another page', { thread: { url: 'https://blog.example/elsewhere' } })
      await expect(events.next('comment', 800)).rejects.toThrow(/no "comment" event/)
      await events.cancel()
    })

    it('answers 501 where the server holds no streams, and ends its streams when it stops', async () => {
      const without = await startApp(database())
      const refused = await without.get(livePath(without.site.id))
      expect(refused.status).toBe(501)
      expect((await refused.json()).error.code).toBe('live_unavailable')
      const live = await feed()
      const t = await startApp(database(), { live })
      const events = eventReader(await t.get(livePath(t.site.id)))
      await events.next('ready')
      expect(live.readerCount()).toBe(1)
      await live.close()
      await expect(events.next('comment', 1000)).rejects.toThrow(/ended/)
      expect(live.readerCount()).toBe(0)
    })

    it('catches readers up on what was published while LISTEN was away, once it is back', async () => {
      const cuttable = cuttableListen(database)
      const live = await feed(database().db, cuttable.listen)
      const t = await startApp(database(), { live })
      const events = eventReader(await t.get(livePath(t.site.id)))
      await events.next('ready')
      cuttable.cut()
      const whileAway = await postGuest(t, 'Posted while nobody listened')
      await expect(events.next('comment', 300)).rejects.toThrow(/no "comment" event/)
      cuttable.resume()
      expect(JSON.parse(await events.next('comment', 2000)).id).toBe(whileAway.id)
      const after = await postGuest(t, 'Posted once listening again')
      expect(JSON.parse(await events.next('comment', 2000)).id).toBe(after.id)
      await expect(events.next('comment', 300)).rejects.toThrow(/no "comment" event/)
      await events.cancel()
    })
  })
})
