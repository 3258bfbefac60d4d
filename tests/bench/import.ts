import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import { migrateToLatest } from '../../src/db/migrate.ts'
import type { Database } from '../../src/db/schema.ts'
import { systemClock } from '../../src/deps.ts'
import { IMPORTERS } from '../../src/import/formats.ts'
import { createImportRun, runImport, type ImportRequest } from '../../src/import/run-import.ts'
import { createMarkdownRenderer } from '../../src/markdown/render.ts'
import { createSite } from '../../src/sites/sites.ts'

// npx tsx tests/bench/import.ts [--mb 200] [--pglite]
// Generates a Disqus export of about --mb megabytes (many threads; deep and wide reply trees;
// Japanese and English text; replies before their parents; deleted and spam posts) in a temp
// folder, imports it through the same code as the CLI and the API into a fresh database on the
// Postgres server (TEST_DATABASE_URL or DATABASE_URL's server), and with --pglite into PGlite
// too, then prints comments per second and the process's peak RSS.

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    pglite: { type: 'boolean', default: false },
    'keep-file': { type: 'boolean', default: false },
    // Internal: the bench runs each import in a child process, so that its peak RSS is the import's.
    child: { type: 'string' },
    file: { type: 'string' },
    db: { type: 'string' },
  },
})
const TARGET_BYTES = Number(values.mb) * 1024 * 1024
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ORIGIN = 'https://blog.example'

const JA = ['縁側で', 'お茶を飲みながら', '近所の人と', '話すのが好きです。', '今日は', '雨が降っていますね。', 'この記事は', 'とても参考になりました！', '私もそう思います。', '東京', '京都', '桜の季節']
const EN = ['I think', 'this is', 'a great point,', 'but', 'have you considered', 'the other side?', 'Thanks for writing', 'about it.', 'Agreed.', 'Not sure about that.']

/** A small deterministic generator, so two runs measure the same file. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

async function generate(path: string): Promise<{ bytes: number; threads: number; posts: number; maxDepth: number }> {
  const rand = random(42)
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T
  const out = createWriteStream(path)
  let bytes = 0
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s)
    if (!out.write(s)) await once(out, 'drain')
  }
  await write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n')
  let threads = 0
  let posts = 0
  let maxDepth = 0
  const started = Date.UTC(2015, 0, 1)
  while (bytes < TARGET_BYTES) {
    const threadId = ++threads
    const url = `${ORIGIN}/posts/${threadId}-${threadId % 7 === 0 ? '縁側' : 'article'}`
    await write(`<thread dsq:id="t${threadId}"><id>post-${threadId}</id><link>${escapeXml(url)}</link><title>${threadId % 3 === 0 ? `記事 ${threadId}` : `Article ${threadId}`}</title><createdAt>${new Date(started + threadId * 3_600_000).toISOString()}</createdAt></thread>\n`)
    // Most threads have a few comments; one in 200 has thousands; every shape of tree occurs.
    const size = rand() < 0.005 ? 2000 + Math.floor(rand() * 6000) : 1 + Math.floor(rand() ** 2 * 150)
    const depthOf: number[] = []
    const held: string[] = []
    for (let i = 0; i < size; i++) {
      const id = `${threadId}-${i}`
      let parent = -1
      const roll = rand()
      if (i > 0 && roll < 0.35) parent = i - 1 // deep chains
      else if (i > 0 && roll < 0.7) parent = Math.floor(rand() * i) // wide trees
      const depth = parent < 0 ? 0 : (depthOf[parent] ?? 0) + 1
      depthOf.push(depth)
      maxDepth = Math.max(maxDepth, depth)
      const words = 5 + Math.floor(rand() * 40)
      const text = Array.from({ length: words }, () => (rand() < 0.5 ? pick(JA) : pick(EN))).join(' ')
      const state = rand()
      const post =
        `<post dsq:id="p${id}"><id/><message><![CDATA[<p>${text}</p><p><b>${pick(JA)}</b> <a href="https://example.org/${i}">link</a></p>]]></message>` +
        `<createdAt>${new Date(started + threadId * 3_600_000 + i * 60_000).toISOString()}</createdAt>` +
        `<isDeleted>${state < 0.02}</isDeleted><isSpam>${state > 0.99}</isSpam>` +
        `<author><email>reader${Math.floor(rand() * 50_000)}@example.org</email><name>${rand() < 0.5 ? `読者${i % 500}` : `Reader ${i % 500}`}</name><isAnonymous>true</isAnonymous></author>` +
        `<thread dsq:id="t${threadId}"/>${parent >= 0 ? `<parent dsq:id="p${threadId}-${parent}"/>` : ''}</post>\n`
      // One reply in twenty is written before its parent, as real exports sometimes are.
      if (parent >= 0 && rand() < 0.05) held.push(post)
      else {
        await write(post)
        for (const h of held.splice(0)) await write(h)
      }
      posts++
    }
    for (const h of held) await write(h)
  }
  await write('</disqus>\n')
  out.end()
  await once(out, 'close')
  return { bytes, threads, posts, maxDepth }
}

async function measure(name: string, db: Kysely<Database>, path: string) {
  await migrateToLatest(db)
  const site = await createSite(db, { name: 'Bench', origins: [ORIGIN] })
  const request: ImportRequest = {
    site,
    format: 'disqus',
    importer: IMPORTERS.disqus as ImportRequest['importer'],
    file: { path, size: statSync(path).size, name: 'bench.xml' },
    origins: new Map(),
    actorUserId: null,
    linkAccounts: true,
  }
  const id = await createImportRun(db, request, new Date())
  let readingEnded = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let lastPrinted = 0
  request.onProgress = (p) => {
    const now = performance.now()
    if (p.phase === 'writing' && !readingEnded) readingEnded = now
    if (now - lastPrinted > 10_000) {
      lastPrinted = now
      const rss = Math.round(process.memoryUsage().rss / 2 ** 20)
      const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20)
      process.stderr.write(`  [${name}] ${p.phase} ${Math.round(p.bytesRead / 2 ** 20)} MiB, ${p.threadsDone}/${p.threadsTotal} threads, rss ${rss} MiB, heap ${heap} MiB\n`)
    }
  }
  const summary = await runImport({ db, clock: systemClock, markdown: createMarkdownRenderer() }, id, request)
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const readSeconds = (readingEnded - t0) / 1000
  const count = await db.selectFrom('comments').select(sql<number>`count(*)::int`.as('n')).where('site_id', '=', site.id).executeTakeFirstOrThrow()
  return { name, seconds, readSeconds, writeSeconds: seconds - readSeconds, cpuSeconds, summary, stored: count.n }
}

/** One import in this process (a child of the bench), so its peak RSS is the import's own. */
async function child(backend: string, path: string, databaseUrl: string) {
  const timings = new Map<string, { n: number; ms: number }>()
  const log = process.env.BENCH_QUERIES
    ? (e: { query: { sql: string }; queryDurationMillis: number }) => {
        const key = e.query.sql.replace(/\s+/g, ' ').slice(0, 90)
        const t = timings.get(key) ?? { n: 0, ms: 0 }
        t.n++
        t.ms += e.queryDurationMillis
        timings.set(key, t)
      }
    : undefined
  let db: Kysely<Database>
  let lite: PGlite | undefined
  if (backend === 'pglite') {
    lite = await PGlite.create()
    db = new Kysely<Database>({ dialect: new PGliteDialect(lite), log })
  } else {
    // As the server's pool, whose default size is ten.
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 10 }) }), log })
  }
  try {
    const result = await measure(backend, db, path)
    for (const [q, t] of [...timings].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) process.stderr.write(`${Math.round(t.ms)} ms ${t.n}× ${q}\n`)
    process.stdout.write(`${JSON.stringify({ ...result, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`)
  } finally {
    await db.destroy()
  }
}

function runChild(backend: string, path: string, databaseUrl: string): Promise<Awaited<ReturnType<typeof measure>> & { peakRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const heap = process.env.BENCH_HEAP_MIB ? [`--max-old-space-size=${process.env.BENCH_HEAP_MIB}`] : []
    const proc = spawn(process.execPath, [...heap, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', backend, '--file', path, '--db', databaseUrl], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}')) : reject(new Error(`the ${backend} import exited with ${code}`))))
  })
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'engawa-import-bench-'))
  const path = join(dir, 'disqus-bench.xml')
  try {
    const t = performance.now()
    const file = await generate(path)
    const generateSeconds = (performance.now() - t) / 1000
    console.log(`Generated ${(file.bytes / 2 ** 20).toFixed(1)} MiB: ${file.threads} threads, ${file.posts} posts, deepest reply at depth ${file.maxDepth}, in ${generateSeconds.toFixed(1)} s`)
    const results = []
    const dbName = `engawa_import_bench_${process.pid}`
    const admin = new pg.Client({ connectionString: ADMIN_URL })
    await admin.connect()
    await admin.query(`create database ${dbName}`)
    const url = new URL(ADMIN_URL)
    url.pathname = `/${dbName}`
    try {
      results.push(await runChild('postgres', path, url.href))
    } finally {
      await admin.query(`drop database if exists ${dbName} with (force)`)
      await admin.end()
    }
    if (values.pglite) results.push(await runChild('pglite', path, ''))
    console.log('')
    console.log('| database | file | posts | comments stored | threads | reading (s) | writing (s) | total (s) | importer CPU (s) | comments/s | peak RSS of the import process |')
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for (const r of results)
      console.log(
        `| ${r.name} | ${(file.bytes / 2 ** 20).toFixed(0)} MiB | ${file.posts} | ${r.stored} | ${r.summary.threads.created} | ${r.readSeconds.toFixed(1)} | ${r.writeSeconds.toFixed(1)} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${Math.round(r.stored / r.seconds)} | ${r.peakRssMiB.toFixed(0)} MiB |`,
      )
    console.log(`\nEach import ran in a process of its own (process.resourceUsage().maxRSS); with PGlite that process also holds the database. Load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${availableParallelism()} CPUs.`)
  } finally {
    if (!values['keep-file']) rmSync(dir, { recursive: true, force: true })
    else console.log(`Kept ${path}`)
  }
}

if (values.child) await child(values.child, values.file ?? '', values.db ?? '')
else await main()
