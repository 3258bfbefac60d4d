import { afterAll, describe, expect, inject, it } from 'vitest'
import { createServer } from 'node:http'
import { browserAvailability, launchBrowser, listenOnLoopback } from '../helpers/browser.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { runEntry, startServer, type RunningServer } from '../helpers/processes.ts'
import { copyTemplateDatabase } from '../helpers/server-database.ts'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { createApiToken } from '../../src/auth/api-tokens.ts'
import type { Database } from '../../src/db/schema.ts'

// Two Engawa processes on one Postgres database: a comment posted through one, and what a
// moderator does there, reach a reader connected to the other, through LISTEN/NOTIFY.
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
    // A moderator with an API token, and a word that holds a comment for review.
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 1 }) }) })
    const moderator = await db.insertInto('users').values({ display_name: 'Mod', email: 'mod@example.org', email_verified_at: new Date() }).returning('id').executeTakeFirstOrThrow()
    await db.insertInto('site_members').values({ site_id: site, user_id: moderator.id, role: 'owner' }).execute()
    const { token } = await createApiToken(db, { siteId: site, name: 'test', scope: 'moderate', createdBy: moderator.id, expiresAt: null }, new Date())
    await db.updateTable('sites').set({ blocked_words: ['casino'] }).where('id', '=', site).execute()
    await db.destroy()
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

    // What a moderator does through the writer reaches the reader too: a held comment approved, a
    // comment hidden, the thread locked; the reader learns it within 2 s, without reading the page.
    {
      const moderate = (id: string, body: object, path = `comments/${id}`) =>
        fetch(`${writer.url}/api/v1/moderation/sites/${site}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
      const held = await fetch(`${writer.url}/api/v1/sites/${site}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ thread: { url: article }, author: { name: 'Held' }, body: 'Not a casino, waiting for a moderator' }),
      })
      const pending = (await held.json()).comment
      expect(pending.status).toBe('pending')
      expect((await moderate(pending.id, { action: 'approve' })).status).toBe(200)
      const approved = JSON.parse(await events.next('update', 2000))
      expect([approved.comment.id, approved.comment.status, approved.visible]).toEqual([pending.id, 'published', true])
      expect((await moderate(comment.id, { action: 'hide' })).status).toBe(200)
      const hidden = JSON.parse(await events.next('update', 2000))
      expect([hidden.comment.id, hidden.comment.status, hidden.comment.html, hidden.visible]).toEqual([comment.id, 'hidden', '', true])
      expect((await moderate('', { url: article, locked: true }, 'threads/lock')).status).toBe(200)
      expect(JSON.parse(await events.next('thread', 2000)).locked).toBe(true)
    }
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
