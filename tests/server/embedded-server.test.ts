import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runEntry, startServer, type RunningServer } from '../helpers/processes.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'engawa-server-'))
// At debug, the server logs when a request starts: the test waits for that, not for a guessed time.
const env = { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'debug' }
const running: RunningServer[] = []
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

const article = 'https://blog.example/posts/restart'
const readTotal = async (url: string, site: string) =>
  (await (await fetch(`${url}/api/v1/sites/${site}/thread?url=${encodeURIComponent(article)}`)).json()).thread?.total

// Each test starts a server or two on PGlite (seconds each, several times that with both cores
// busy): bounds are generous, and every wait ends on an event, not a guessed time.
const WAIT = { timeout: 60_000 }

describe('the Node server on an embedded database', { timeout: 240_000 }, () => {
  let site = ''

  it('creates a site from the CLI and prints the embed code', async () => {
    const result = await runEntry('src/cli.ts', ['site', 'create', '--name', 'Restart blog', '--origin', 'https://blog.example'], env)
    expect(result.code, result.stderr).toBe(0)
    site = /Site (\w+):/.exec(result.stdout)?.[1] ?? ''
    expect(site).toMatch(/^[a-z2-9]{10}$/)
    expect(result.stdout).toContain(`data-site="${site}"`)
  })

  it('serves, finishes an in-flight request on Ctrl-C, closes the database, and keeps the data', async () => {
    const server = await startServer(env)
    running.push(server)
    // A request whose body is still arriving when the signal comes must still be answered.
    const encoder = new TextEncoder()
    let send: (chunk: string | null) => void = () => {}
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (chunk) => (chunk === null ? controller.close() : controller.enqueue(encoder.encode(chunk)))
      },
    })
    const inFlight = fetch(`${server.url}/api/v1/sites/${site}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit)
    send('{"thread":{"url":"' + article + '"},')
    // The request has reached the app (LOG_LEVEL=debug logs its start), then the signal comes.
    await expect.poll(() => /"message":"request started"[^\n]*"method":"POST"/.test(server.stderr()), WAIT).toBe(true)
    const stopped = server.stop('SIGINT')
    await expect.poll(() => server.stderr().includes('"message":"stopping"'), WAIT).toBe(true)
    send('"author":{"name":"Aki"},"body":"posted while stopping"}')
    send(null)
    const res = await inFlight
    expect(res.status).toBe(201)
    expect(await stopped).toBe(0)
    expect(server.stderr()).toContain('"message":"stopped"')
    expect(existsSync(join(dataDir, 'engawa.lock'))).toBe(false)

    const again = await startServer(env)
    running.push(again)
    expect(await readTotal(again.url, site)).toBe(1)
  })

  it('hands the CLI’s commands to the running server, and refuses a second server on the same folder', async () => {
    const server = running.at(-1)
    if (!server) throw new Error('the server of the previous test is not running')
    // The CLI's command runs inside the server, which holds the folder; the embed code names the server's address.
    const cli = await runEntry('src/cli.ts', ['site', 'create', '--name', 'Second', '--origin', 'https://x.example'], env)
    expect(cli.code, cli.stderr).toBe(0)
    const second = /Site (\w+):/.exec(cli.stdout)?.[1] ?? ''
    expect(cli.stdout).toContain(`src="${server.url}/embed.js" data-site="${second}"`)
    expect(server.stderr()).toContain('"message":"command from the CLI","command":"site create"')
    // Only the data folder's owner may hand it commands.
    expect(statSync(join(dataDir, 'engawa.sock')).mode & 0o777).toBe(0o600)
    // Refusals come back as the CLI would say them, with its exit code.
    const refused = await runEntry('src/cli.ts', ['site', 'delete', second, '--name', 'not its name'], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('give its name exactly: "Second"')
    // An export to a file lands where the CLI was asked, relative to its folder.
    const exported = await runEntry('src/cli.ts', ['export', site, '--out', join(dataDir, 'export.json')], env)
    expect(exported.code, exported.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(dataDir, 'export.json'), 'utf8')).threads).toHaveLength(1)
    const toStdout = await runEntry('src/cli.ts', ['export', site], env)
    expect(JSON.parse(toStdout.stdout).threads).toHaveLength(1)
    expect(toStdout.stderr).toContain('Exported 1 thread(s) and 1 comment(s)')

    const other = await startServer(env).catch((error: Error) => error)
    expect(other).toBeInstanceOf(Error)
    expect(String(other)).toContain('is in use by another Engawa process')
    expect(await readTotal(server.url, site)).toBe(1)
    expect(await server.stop('SIGTERM')).toBe(0)
    // Stopped, the CLI opens the folder itself, and finds both sites.
    const list = await runEntry('src/cli.ts', ['site', 'list'], env)
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toContain('Restart blog')
    expect(list.stdout).toContain('Second')
    expect(existsSync(join(dataDir, 'engawa.sock'))).toBe(false)
  })
})
