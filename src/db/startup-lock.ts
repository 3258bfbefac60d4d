import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.ts'

/** 'engawa' in ASCII: the advisory lock key of first-start work, on any database Engawa runs on. */
const STARTUP_LOCK = 0x656e67617761

/**
 * Runs first-start work (migrations, seeding the demo) while one connection holds a session
 * advisory lock, so of N instances started at once on an empty database (a rolling deploy, a
 * container platform) one does it while the others wait, then find it done. A process that dies
 * holding the lock loses its connection, and with it the lock. The lock is held on `sessions`, a
 * direct connection (a pooler in transaction mode would lose it between statements); the work
 * runs on `db`. On the embedded database the two are one, so the work runs on the lock's
 * connection.
 */
export async function withStartupLock<T>(database: { db: Kysely<Database>; sessionDb(): Kysely<Database> }, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const sessions = database.sessionDb()
  return sessions.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK})`.execute(connection)
    try {
      return await work(sessions === database.db ? connection : database.db)
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.execute(connection).catch(() => undefined)
    }
  })
}
