import type { Kysely } from 'kysely'
import { commentToJson, threadToJson } from '../comments/to-json.ts'
import { isVisibleRow } from '../comments/visibility.ts'
import type { Listen } from '../db/pg-listen.ts'
import type { CommentRow, Database } from '../db/schema.ts'
import type { LiveEvent, LiveFeed, LiveReader } from '../deps.ts'
import type { Log } from '../log.ts'
import { LIVE_CHANNEL } from '../threads/live-channel.ts'
import { parseAnnouncement } from '../threads/thread-changes.ts'


/** Comments read per query when a reader catches up. */
const CATCH_UP_BATCH = 500
/** Threads caught up at once after LISTEN was lost. */
const CATCH_UP_CONCURRENCY = 4
const INBOX_EVENT: LiveEvent = { name: 'inbox', data: '{}' }

interface Subscription {
  reader: LiveReader
  /**
   * Every comment of the thread up to this seq is on the reader's page or was sent. A thread's
   * committed comments are always seq 1…last_seq (seq is taken under the thread's row lock, so
   * it is commit order), which is what lets one number say that.
   */
  since: number
  /** Sent since subscribing: a comment may come both by NOTIFY and by a catch-up. */
  sent: Set<string>
  /** Seqs sent above `since`, which moves up through them while they follow on from it. */
  ahead: Set<number>
}

/**
 * New comments for the readers this process holds open (Server-Sent Events), fed by Postgres
 * LISTEN/NOTIFY so a comment posted through any process reaches readers on every process. A
 * notification is turned into JSON once, whatever the number of readers.
 *
 * Nothing is missed across gaps: a reader subscribes with the position its page was read at and
 * first receives what came since; when LISTEN was lost (a database restart) every reader catches
 * up the same way once it is back.
 */
export function createLiveFeed(db: Kysely<Database>, listen: Listen, log: Log): LiveFeed {
  const threads = new Map<string, Set<Subscription>>()
  /** Readers' own streams (their inboxes): told that something came, never what. */
  const watchers = new Map<string, Set<LiveReader>>()
  const slot = (siteId: string, key: string) => `${siteId}\n${key}`
  let stop: (() => Promise<void>) | undefined

  /** Sends a comment to the subscriptions that lack it; its event is made once, whatever their number. */
  function sendAll(subscriptions: Iterable<Subscription>, row: CommentRow) {
    if (row.status !== 'published') return
    let event: LiveEvent | undefined
    for (const subscription of subscriptions) {
      if (row.seq <= subscription.since || subscription.sent.has(row.id)) continue
      subscription.sent.add(row.id)
      subscription.ahead.add(row.seq)
      while (subscription.ahead.delete(subscription.since + 1)) subscription.since++
      event ??= { name: 'comment', data: JSON.stringify(commentToJson(row)) }
      subscription.reader.send(event, subscription.since)
    }
  }

  /** One event to every subscription of the thread, whatever their positions. */
  function tellAll(subscriptions: Iterable<Subscription>, event: LiveEvent) {
    for (const subscription of subscriptions) subscription.reader.send(event, subscription.since)
  }

  async function deliver(payload: string) {
    const change = parseAnnouncement(payload)
    if (change?.kind === 'inbox') {
      for (const reader of watchers.get(slot(change.siteId, change.key)) ?? []) reader.send(INBOX_EVENT, 0)
      return
    }
    const subscriptions = change && threads.get(slot(change.siteId, change.key))
    if (!change || !subscriptions || subscriptions.size === 0) return
    const { siteId, key, kind, commentId } = change
    if (kind === 'new' || kind === 'comment') {
      if (!commentId) return
      const row = await db.selectFrom('comments').selectAll().where('site_id', '=', siteId).where('id', '=', commentId).executeTakeFirst()
      if (!row) return
      if (kind === 'new') return sendAll(subscriptions, row)
      // Approved, hidden, restored, edited or deleted: as a reader sees it now, and whether they see it at all.
      return tellAll(subscriptions, { name: 'update', data: JSON.stringify({ comment: commentToJson(row), visible: isVisibleRow(row) }) })
    }
    const thread = await db.selectFrom('threads').selectAll().where('site_id', '=', siteId).where('key', '=', key).executeTakeFirst()
    if (kind === 'thread') {
      if (thread) tellAll(subscriptions, { name: 'thread', data: JSON.stringify(threadToJson(thread)) })
      return
    }
    // Renumbered or filled wholesale (an import, a merge), or moved away: readers are told to read the page again,
    // and positions start over from where the thread stands now.
    for (const subscription of subscriptions) {
      subscription.since = thread?.last_seq ?? subscription.since
      subscription.ahead.clear()
    }
    tellAll(subscriptions, { name: 'renewed', data: '{}' })
  }

  /** Sends each subscription what the thread gained after its position, and moves the position on. */
  async function catchUp(siteId: string, key: string, subscriptions: readonly Subscription[]) {
    let since = Math.min(...subscriptions.map((s) => s.since))
    for (;;) {
      const rows = await db
        .selectFrom('comments as c')
        .innerJoin('threads as t', (j) => j.onRef('t.site_id', '=', 'c.site_id').onRef('t.id', '=', 'c.thread_id'))
        .selectAll('c')
        .where('t.site_id', '=', siteId)
        .where('t.key', '=', key)
        .where('c.seq', '>', since)
        .orderBy('c.seq')
        .limit(CATCH_UP_BATCH)
        .execute()
      for (const row of rows) sendAll(subscriptions, row)
      const last = rows[rows.length - 1]
      if (last)
        for (const subscription of subscriptions) {
          subscription.since = Math.max(subscription.since, last.seq)
          for (const seq of subscription.ahead) if (seq <= subscription.since) subscription.ahead.delete(seq)
        }
      if (rows.length < CATCH_UP_BATCH || !last) return
      since = last.seq
    }
  }

  /** Where a thread stands now: its readers start there when they do not say where they are. */
  async function lastSeq(siteId: string, key: string): Promise<number> {
    const thread = await db.selectFrom('threads').select('last_seq').where('site_id', '=', siteId).where('key', '=', key).executeTakeFirst()
    return thread?.last_seq ?? 0
  }

  /**
   * Catches every open thread up, a few at a time so the pool stays free for requests. A thread
   * that cannot be caught up (the database went away again) ends its streams: browsers reconnect
   * by themselves and resume from their Last-Event-ID.
   */
  async function resumeAll() {
    const pending = [...threads.entries()]
    const worker = async () => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        const [id, subscriptions] = next
        const [siteId = '', key = ''] = id.split('\n')
        await catchUp(siteId, key, [...subscriptions]).catch((error: unknown) => {
          log.warn('live catch-up failed; its readers will reconnect', { error: String(error) })
          for (const { reader } of subscriptions) reader.end()
        })
      }
    }
    await Promise.all(Array.from({ length: CATCH_UP_CONCURRENCY }, worker))
  }

  return {
    async start() {
      stop = await listen(LIVE_CHANNEL, {
        onPayload: (payload) => void deliver(payload).catch((error: unknown) => log.warn('live update lost', { error: String(error) })),
        onResume: () => {
          log.info('live updates resumed', { threads: threads.size })
          // What came to readers' inboxes meanwhile was not heard: they look again.
          for (const readers of watchers.values()) for (const reader of readers) reader.send(INBOX_EVENT, 0)
          void resumeAll()
        },
      })
    },
    /**
     * `since`: the thread's lastSeq on the reader's page (or the position its last event
     * carried); what came after is sent at once. Without it, the reader starts from now.
     */
    async subscribe(siteId: string, key: string, reader: LiveReader, since?: number): Promise<() => void> {
      const id = slot(siteId, key)
      const subscription: Subscription = { reader, since: since ?? Number.MAX_SAFE_INTEGER, sent: new Set(), ahead: new Set() }
      const subscriptions = threads.get(id) ?? new Set<Subscription>()
      subscriptions.add(subscription)
      threads.set(id, subscriptions)
      const unsubscribe = () => {
        subscriptions.delete(subscription)
        if (subscriptions.size === 0) threads.delete(id)
      }
      try {
        // A comment committed while the thread's position was being read may have been notified
        // before the position was known: the catch-up finds it.
        if (since === undefined) subscription.since = await lastSeq(siteId, key)
        await catchUp(siteId, key, [subscription])
      } catch (error) {
        unsubscribe()
        throw error
      }
      return unsubscribe
    },
    watch(siteId: string, key: string, reader: LiveReader): () => void {
      const id = slot(siteId, key)
      const readers = watchers.get(id) ?? new Set<LiveReader>()
      readers.add(reader)
      watchers.set(id, readers)
      return () => {
        readers.delete(reader)
        if (readers.size === 0) watchers.delete(id)
      }
    },
    readerCount: () => [...threads.values(), ...watchers.values()].reduce((n, s) => n + s.size, 0),
    close: async () => {
      for (const subscriptions of threads.values()) for (const { reader } of subscriptions) reader.end()
      for (const readers of watchers.values()) for (const reader of readers) reader.end()
      threads.clear()
      watchers.clear()
      await stop?.()
    },
  }
}
