import { sql, type Kysely } from 'kysely'
import { createMiddleware } from 'hono/factory'
import type { Database } from '../db/schema.ts'
import type { Clock, WidgetLoads } from '../deps.ts'

// The install check: where a site's widget loaded, and where it was refused, over the last days.
// Counts per day, page origin and page only: nothing about the reader is kept.

/** Days the overview shows, and how long rows are kept. */
export const INSTALL_CHECK_DAYS = 7
/** Distinct (site, day, origin, page) counted between two flushes; past it, loads go uncounted until the next flush. */
const MAX_PENDING = 5_000

/** Counts in memory, written in one statement per flush: a read of a thread costs no write of its own. */
export function createWidgetLoads(deps: { db: Kysely<Database>; clock: Clock; onError?: (error: unknown) => void }): WidgetLoads {
  let pending = new Map<string, { siteId: string; day: string; origin: string; page: string; allowed: boolean; loads: number; lastAt: Date }>()
  return {
    count(siteId, origin, page, allowed) {
      const now = deps.clock.now()
      const day = now.toISOString().slice(0, 10)
      const key = JSON.stringify([siteId, day, origin, page])
      const row = pending.get(key)
      if (row) {
        row.loads += 1
        row.lastAt = now
        row.allowed = allowed
      } else if (pending.size < MAX_PENDING) pending.set(key, { siteId, day, origin, page, allowed, loads: 1, lastAt: now })
    },
    async flush() {
      if (pending.size === 0) return
      let rows = [...pending.values()]
      pending = new Map()
      try {
        // A site deleted since: its counts go with it.
        const ids = [...new Set(rows.map((r) => r.siteId))]
        const live = new Set((await deps.db.selectFrom('sites').select('id').where('id', 'in', ids).execute()).map((s) => s.id))
        rows = rows.filter((r) => live.has(r.siteId))
        if (rows.length === 0) return
        await deps.db
          .insertInto('widget_loads')
          .values(rows.map((r) => ({ site_id: r.siteId, day: r.day, origin: r.origin, page: r.page, allowed: r.allowed, loads: r.loads, last_at: r.lastAt })))
          .onConflict((oc) =>
            oc.columns(['site_id', 'day', 'origin', 'page']).doUpdateSet({
              loads: sql`widget_loads.loads + excluded.loads`,
              allowed: sql`excluded.allowed`,
              last_at: sql`greatest(widget_loads.last_at, excluded.last_at)`,
            }),
          )
          .execute()
      } catch (error) {
        deps.onError?.(error)
      }
    },
  }
}

/** The page a thread read names, as the overview shows it: its URL without query or fragment, or else its key. */
function pageOf(query: { url?: string; key?: string }): string {
  const url = query.url ? URL.parse(query.url) : null
  return (url ? url.origin + url.pathname : (query.key ?? query.url ?? '')).slice(0, 300)
}

/**
 * Counts the widget's first-page reads of a thread by a page (requests with Origin, or a page's
 * own same-origin read, which a browser sends without one: Engawa behind the site's own domain,
 * the demo): answered means allowed, 403 means its origin was refused. Placed before the page
 * cache, so cached answers count too.
 */
export function countWidgetLoads(loads: WidgetLoads | undefined) {
  return createMiddleware(async (c, next) => {
    await next()
    const origin = c.req.header('origin') ?? (c.req.header('sec-fetch-site') === 'same-origin' ? originOf(c.req.header('referer')) : undefined)
    if (!loads || origin === undefined || c.req.query('cursor') !== undefined) return
    const status = c.res.status
    if (status !== 200 && status !== 304 && status !== 403) return
    loads.count(c.req.param('site') ?? '', origin.slice(0, 300), pageOf({ url: c.req.query('url'), key: c.req.query('key') }), status !== 403)
  })
}

function originOf(url: string | undefined): string | undefined {
  const origin = url === undefined ? undefined : URL.parse(url)?.origin
  return origin === 'null' ? undefined : origin
}

export interface InstallCheck {
  origin: string
  allowed: boolean
  loads: number
  lastAt: Date
  /** The most loaded pages, most first. */
  pages: Array<{ page: string; loads: number }>
}

/** The last days' loads by origin, refused origins first, then the busiest. */
export async function readInstallCheck(db: Kysely<Database>, siteId: string, now: Date): Promise<InstallCheck[]> {
  const since = new Date(now.getTime() - (INSTALL_CHECK_DAYS - 1) * 86_400_000).toISOString().slice(0, 10)
  const rows = await db
    .selectFrom('widget_loads')
    .select(['origin', 'page', 'allowed', 'loads', 'last_at'])
    .where('site_id', '=', siteId)
    .where('day', '>=', since)
    .execute()
  const byOrigin = new Map<string, InstallCheck & { pageLoads: Map<string, number> }>()
  for (const row of rows) {
    const entry = byOrigin.get(row.origin) ?? { origin: row.origin, allowed: row.allowed, loads: 0, lastAt: row.last_at, pages: [], pageLoads: new Map() }
    entry.loads += row.loads
    // What the latest load found decides: an origin allowed since is no longer refused.
    if (row.last_at >= entry.lastAt) {
      entry.lastAt = row.last_at
      entry.allowed = row.allowed
    }
    entry.pageLoads.set(row.page, (entry.pageLoads.get(row.page) ?? 0) + row.loads)
    byOrigin.set(row.origin, entry)
  }
  return [...byOrigin.values()]
    .map(({ pageLoads, ...entry }) => ({
      ...entry,
      pages: [...pageLoads].map(([page, loads]) => ({ page, loads })).sort((a, b) => b.loads - a.loads || a.page.localeCompare(b.page)).slice(0, 3),
    }))
    .sort((a, b) => Number(a.allowed) - Number(b.allowed) || b.loads - a.loads || a.origin.localeCompare(b.origin))
}

/** Drops counts older than the overview shows. */
export async function deleteOldWidgetLoads(db: Kysely<Database>, now: Date): Promise<number> {
  const before = new Date(now.getTime() - INSTALL_CHECK_DAYS * 86_400_000).toISOString().slice(0, 10)
  const result = await db.deleteFrom('widget_loads').where('day', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
