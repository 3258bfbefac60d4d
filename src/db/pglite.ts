import { PGlite } from '@electric-sql/pglite'
import { Kysely, type LogConfig } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { lockDataDir } from './data-dir-lock.ts'
import { seedFromTemplate } from './pglite-template.ts'
import type { ListenHandlers } from './pg-listen.ts'
import type { Database } from './schema.ts'

export async function openPGlite(dataDir: string, options: { log?: LogConfig } = {}) {
  const unlock = lockDataDir(dataDir)
  try {
    seedFromTemplate(dataDir)
    const client = await PGlite.create(dataDir)
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client), log: options.log })
    return {
      db,
      // One process holds PGlite, so its own notifications are all there is to hear.
      listen: async (channel: string, handlers: ListenHandlers) => {
        const unlisten = await client.listen(channel, handlers.onPayload)
        return async () => unlisten()
      },
      close: async () => {
        await db.destroy()
        if (!client.closed) await client.close()
        unlock()
      },
    }
  } catch (error) {
    unlock()
    throw error
  }
}
