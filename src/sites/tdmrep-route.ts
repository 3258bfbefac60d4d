import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

/**
 * /.well-known/tdmrep.json (TDMRep): every path reserves text-and-data-mining rights, except
 * the API paths of sites whose owners turned the reservation off. The first matching rule wins.
 */
export function tdmrepRoutes(db: Kysely<Database>) {
  return new Hono().get('/.well-known/tdmrep.json', async (c) => {
    const optedOut = await db.selectFrom('sites').select('id').where('reserves_tdm', '=', false).orderBy('id').execute()
    c.header('Cache-Control', 'public, max-age=3600')
    return c.json([
      ...optedOut.map((s) => ({ location: `/api/v1/sites/${s.id}/*`, 'tdm-reservation': 0 })),
      { location: '/*', 'tdm-reservation': 1 },
    ])
  })
}
