import { afterAll, describe, expect, inject, it } from 'vitest'
import { createServer } from 'node:http'
import { browserAvailability, launchBrowser, listenOnLoopback } from '../helpers/browser.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { runEntry, startServer, type RunningServer } from '../helpers/processes.ts'
import { copyTemplateDatabase } from '../helpers/server-database.ts'

// Two Engawa processes on one Postgres database: a comment posted through one reaches a reader
// connected to the other, through LISTEN/NOTIFY.
const postgres = inject('postgres')
const available = 'template' in postgres
const servers: RunningServer[] = []
let dropDatabase = async () => {}
afterAll(async () => {
  for (const server of servers) await server.stop('SIGTERM')
  await dropDatabase()
})

describe.skipIf(!available && process.env.CI !== 'true')('live updates across processes', () => {
  it('reach a reader on another process at once: its event stream within 2 s, its widget before its next poll', async () => {
    if (!('template' in postgres)) throw new Error(`Postgres is required under CI=true: ${postgres.unavailable}`)
    const copy = await copyTemplateDatabase(postgres, 'live')
    dropDatabase = copy.drop
    const env = { DATABASE_URL: copy.url }
    const created = await runEntry('src/cli.ts', ['site', 'create', '--name', 'Live', '--origin', 'https://blog.example'], env)
    const site = /Site (\w+):/.exec(created.stdout)?.[1] ?? ''
    const [writer, reader] = await Promise.all([startServer(env), startServer(env)])
    servers.push(writer, reader)
    const article = 'https://blog.example/live'
    const res = await fetch(`${reader.url}/api/v1/sites/${site}/thread/live?url=${encodeURIComponent(article)}`)
    const events = eventReader(res)
    await events.next('ready', 5000)
    const posted = await fetch(`${writer.url}/api/v1/sites/${site}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ thread: { url: article }, author: { name: 'Across' }, body: 'From the other process' }),
    })
    const { comment } = await posted.json()
    expect(JSON.parse(await events.next('comment', 2000)).id).toBe(comment.id)
    await events.cancel()

    // The same in a reader's browser: the widget on an article, fed by the other process.
    const browser = browserAvailability().available ? await launchBrowser() : undefined
    if (browser) {
      let html = ''
      const host = await listenOnLoopback(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html)), '127.0.0.2')
      try {
        const second = await runEntry('src/cli.ts', ['site', 'create', '--name', 'Live page', '--origin', host.origin], env)
        const pageSite = /Site (\w+):/.exec(second.stdout)?.[1] ?? ''
        html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live</title></head><body>
<script src="${reader.url}/embed.js" data-site="${pageSite}" async></script></body></html>`
        const page = await browser.newPage()
        await page.goto(`${host.origin}/`)
        await expect.poll(() => page.locator('#engawa h2').textContent()).toBe('0 comments')
        const viaWriter = await fetch(`${writer.url}/api/v1/sites/${pageSite}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ thread: { url: `${host.origin}/` }, author: { name: 'Writer' }, body: 'Through the writer process' }),
        })
        expect(viaWriter.status).toBe(201)
        // Pushed, not polled: the widget's fallback poll comes every 15 s.
        await expect.poll(() => page.locator('#engawa button.new').textContent(), { timeout: 6000 }).toBe('Show 1 new comment')
      } finally {
        await browser.close()
        await host.close()
      }
    }
    // Stopping ends the streams it holds instead of waiting ten seconds for them.
    const started = Date.now()
    const stream = eventReader(await fetch(`${reader.url}/api/v1/sites/${site}/thread/live?url=${encodeURIComponent(article)}`))
    await stream.next('ready', 5000)
    expect(await reader.stop('SIGTERM')).toBe(0)
    expect(Date.now() - started).toBeLessThan(8000)
  })
})
