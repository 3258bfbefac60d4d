import { sql, type Kysely } from 'kysely'
import type { CommentJson } from '../comments/schemas.ts'
import { commentToJson } from '../comments/to-json.ts'
import type { Listen } from '../db/pg-listen.ts'
import type { Database } from '../db/schema.ts'
import type { Log } from '../log.ts'

const CHANNEL = 'engawa_comments'

/**
 * Tells every Engawa process on this database that a comment was published: a NOTIFY after the
 * commit, carrying only where (site, thread key) and which comment (a payload is capped at
 * 8 kB; comments are not).
 */
export async function announceComment(db: Kysely<Database>, siteId: string, key: string, commentId: string): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${JSON.stringify([siteId, key, commentId])})`.execute(db)
}

export interface Reader {
  send(comment: CommentJson): void
  /** The process is stopping: end the stream so shutdown need not wait for readers. */
  end(): void
}

/**
 * New comments for the readers this process holds open (Server-Sent Events), fed by Postgres
 * LISTEN/NOTIFY so a comment posted through any process reaches readers on every process. A
 * notification is turned into JSON once, whatever the number of readers.
 */
export function createLiveFeed(db: Kysely<Database>, listen: Listen, log: Log) {
  const readers = new Map<string, Set<Reader>>()
  const slot = (siteId: string, key: string) => `${siteId}\n${key}`
  let stop: (() => Promise<void>) | undefined

  async function deliver(payload: string) {
    const [siteId, key, commentId] = JSON.parse(payload) as [string, string, string]
    const sends = readers.get(slot(siteId, key))
    if (!sends || sends.size === 0) return
    const row = await db.selectFrom('comments').selectAll().where('site_id', '=', siteId).where('id', '=', commentId).executeTakeFirst()
    if (!row || row.status !== 'published') return
    const json = commentToJson(row)
    for (const reader of sends) reader.send(json)
  }

  return {
    async start() {
      stop = await listen(CHANNEL, (payload) => void deliver(payload).catch((error) => log.warn('live update lost', { error: String(error) })))
    },
    subscribe(siteId: string, key: string, reader: Reader): () => void {
      const id = slot(siteId, key)
      const sends = readers.get(id) ?? new Set<Reader>()
      sends.add(reader)
      readers.set(id, sends)
      return () => {
        sends.delete(reader)
        if (sends.size === 0) readers.delete(id)
      }
    },
    readerCount: () => [...readers.values()].reduce((n, s) => n + s.size, 0),
    close: async () => {
      for (const sends of readers.values()) for (const reader of sends) reader.end()
      readers.clear()
      await stop?.()
    },
  }
}

export type LiveFeed = ReturnType<typeof createLiveFeed>
