import { afterAll, describe, expect, inject, it } from 'vitest'
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
  it('reach a reader on another process within two seconds', async () => {
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
    // Stopping ends the streams it holds instead of waiting ten seconds for them.
    const started = Date.now()
    const stream = eventReader(await fetch(`${reader.url}/api/v1/sites/${site}/thread/live?url=${encodeURIComponent(article)}`))
    await stream.next('ready', 5000)
    expect(await reader.stop('SIGTERM')).toBe(0)
    expect(Date.now() - started).toBeLessThan(8000)
  })
})
