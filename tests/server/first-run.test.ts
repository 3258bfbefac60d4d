import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/processes.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'engawa-first-run-'))
const env = { DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '' }
const running: RunningServer[] = []
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

const setupLinks = (log: string) => [...log.matchAll(/"message":"setup is waiting[^"]*","url":"([^"]+)"/g)].map((m) => m[1] as string)

describe('the first start on an empty data folder', { timeout: 180_000 }, () => {
  it('starts (as npm start does, from the build) from the migrated template, logs one setup link, and the link makes the first admin', async () => {
    const server = await startServer(env, 60_000, { bundle: true })
    running.push(server)
    // Said right after "listening", the last line of the start.
    await expect.poll(() => setupLinks(server.stderr()).length, { timeout: 30_000 }).toBe(1)
    const log = server.stderr()
    // The folder was a copy of the build's template: nothing was left to migrate.
    expect(log).not.toContain('"message":"migrated"')
    const links = setupLinks(log)
    expect(links).toHaveLength(1)
    const link = new URL(links[0] as string)
    expect(link.origin).toBe(server.url)
    expect(link.pathname).toBe('/setup')
    // The demo is made after the first answer, not before it; asked for first, /demo waits for it.
    const demo = await fetch(`${server.url}/demo`)
    expect(demo.status).toBe(200)
    expect(await demo.text()).toContain('/embed.js')
    expect(server.stderr()).toContain('"message":"made the demo site"')
    expect(await (await fetch(`${server.url}/`)).text()).toContain('setup is waiting')
    expect((await fetch(`${server.url}/setup`)).status).toBe(200)
    const res = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ secret: link.hash.slice(1), email: 'owner@blog.example', name: 'Olive', password: 'correct horse battery staple' }),
    })
    expect(res.status).toBe(201)
    expect((await fetch(`${server.url}/setup`)).status).toBe(404)
    expect(await server.stop('SIGINT')).toBe(0)

    const again = await startServer(env)
    running.push(again)
    expect(setupLinks(again.stderr())).toEqual([])
    expect(await (await fetch(`${again.url}/`)).text()).toContain('href="/admin"')
  })
})
