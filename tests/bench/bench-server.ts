import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { serve } from '@hono/node-server'
import { sql } from 'kysely'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { systemClock } from '../../src/deps.ts'
import { createLog } from '../../src/log.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { createLiveFeed } from '../../src/live/feed.ts'
import { withPublicFiles } from '../../src/public-files.ts'
import { createSite } from '../../src/sites/sites.ts'
import { seedThread } from './seed.ts'
import { seedCommunity } from './seed-community.ts'

// One process holding the database (PGlite allows no other): it seeds, then serves
//   /bench/ceiling      precomputed bytes the size of the normal page (the ceiling, e)
//   /nocache/…          the app with no application cache (b, f)
//   everything else     the app as configured for production (a, c, d)
// One client machine posts everything in (d): the per-network and per-author limits are lifted.
const config = { ...parseConfig(process.env), commentLimits: { perNetwork: 1e9, perAccount: 1e9 } }
const database = await createDatabase(config)
await migrateToLatest(database.db)
// A site of 100,000 comments in 2,000 threads, for the community and profile pages. Seeded before
// the live feed listens: on PGlite one statement this large never finished while it did.
const busy = await createSite(database.db, { name: 'Busy', origins: ['https://blog.example'] })
const community = await seedCommunity(database.db, busy.id, 'https://blog.example')
process.stderr.write(`bench-server: busy site seeded in ${Math.round(community.seedMs)} ms\n`)
const live = createLiveFeed(database.db, database.listen, createLog('warn'))
await live.start()
const base = { config, db: database.db, clock: systemClock, log: createLog(config.logLevel), markdown: createMarkdownRenderer(), passwords: nodePasswordHasher, live }
const cached = createApp({ ...base, config })
const uncached = createApp({ ...base, config: { ...config, pageCacheMs: 0 } })
const withFiles = withPublicFiles(cached)

const site = await createSite(database.db, { name: 'Bench', origins: ['https://blog.example'], authorPostsPerHour: 100_000 })
const small = 'https://blog.example/bench/200'
const large = 'https://blog.example/bench/10000'
let started = performance.now()
await seedThread(base, site, small, 80, 120)
const seedSmallMs = performance.now() - started
started = performance.now()
// The large thread starts as the small one and grows 9,800 comments past its first page,
// so (f) reads the very same page as (b) out of a thread fifty times the size.
await seedThread(base, site, large, 80, 120)
// BENCH_LARGE=0 (run.ts, when no scenario reads it): the large thread stays at its first page.
if (process.env.BENCH_LARGE !== '0') await seedThread(base, site, large, 3920, 5880)
const seedLargeMs = performance.now() - started
// As an operator would after a bulk load: otherwise autovacuum wakes in the middle of a run
// and the planner works without statistics.
await sql`vacuum analyze`.execute(database.db)
process.stderr.write(`bench-server: analysed after ${Math.round(performance.now())} ms\n`)
// …and flushes the load to disk now, so a checkpoint does not land in the middle of a run either.
await sql`checkpoint`.execute(database.db)

const pagePath = `/api/v1/sites/${site.id}/thread?url=${encodeURIComponent(small)}`
const largePage = await cached.request(`/api/v1/sites/${site.id}/thread?url=${encodeURIComponent(large)}`)
const largePageBytes = (await largePage.arrayBuffer()).byteLength
const page = await cached.request(pagePath)
const ceilingBytes = new Uint8Array(await page.arrayBuffer())
const etag = page.headers.get('etag')

const server = serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    fetch: (request: Request) => {
      const url = new URL(request.url)
      if (url.pathname === '/bench/ceiling')
        return new Response(ceilingBytes, { headers: { 'content-type': 'application/json; charset=UTF-8' } })
      if (url.pathname.startsWith('/nocache/')) return uncached.fetch(new Request(request.url.replace('/nocache/', '/'), request))
      // The 200-comment thread under an article, as a reader's browser meets it.
      if (url.pathname === '/bench/article')
        return new Response(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title></head><body><h1>Bench</h1>` +
            `<script src="/embed.js" data-site="${site.id}" data-url="${small}" async></script></body></html>`,
          { headers: { 'content-type': 'text/html; charset=utf-8' } },
        )
      if (url.pathname === '/embed.js') return withFiles.fetch(request)
      if (url.pathname === '/bench/memory') {
        ;(globalThis as { gc?: () => void }).gc?.()
        return Response.json({ ...process.memoryUsage(), readers: live.readerCount() })
      }
      return cached.fetch(request)
    },
  },
  (info) => {
    console.log(
      JSON.stringify({
        port: info.port,
        siteId: site.id,
        small,
        large,
        pagePath,
        etag,
        pageBytes: ceilingBytes.byteLength,
        largePageBytes,
        seedSmallMs: Math.round(seedSmallMs),
        seedLargeMs: Math.round(seedLargeMs),
        busy: { siteId: busy.id, readerId: community.readerId, threadUrl: community.threadUrl, seedMs: Math.round(community.seedMs) },
      }),
    )
  },
)
process.on('SIGTERM', () => {
  void live.close()
  server.close(() => void database.close().then(() => process.exit(0)))
})
