import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/processes.ts'

// Clients that send their request a few bytes at a time, as a Slowloris attack does: the
// server cuts them off (408) instead of holding their connections for as long as they like.

const dir = mkdtempSync(join(tmpdir(), 'engawa-slow-'))
let server: RunningServer
beforeAll(async () => {
  server = await startServer({ DATA_DIR: join(dir, 'data') })
})
afterAll(async () => {
  await server?.stop('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

/** A socket that writes `head` at once, then `trickle` one byte every 100 ms; records what it hears and when it closes. */
function trickler(head: string, trickle: string) {
  const { hostname, port } = new URL(server.url)
  const socket: Socket = connect(Number(port), hostname)
  const state = { answer: '', closed: false }
  socket.on('data', (d) => (state.answer += d))
  socket.on('error', () => undefined)
  socket.on('close', () => (state.closed = true))
  socket.write(head)
  let i = 0
  const timer = setInterval(() => {
    if (state.closed || i >= trickle.length) return clearInterval(timer)
    socket.write(trickle[i++] ?? '')
  }, 100)
  return { state, end: () => (clearInterval(timer), socket.destroy()) }
}

describe('slow clients', () => {
  it('are cut off: a body trickled a byte at a time gets 408 within the body timeout, slow headers too', async () => {
    const body = JSON.stringify({ thread: { url: `${server.url}/demo` }, author: { name: 'Slow' }, body: 'x'.repeat(60_000) })
    const bodies = Array.from({ length: 10 }, () =>
      trickler(`POST /api/v1/sites/demo/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body),
    )
    const headers = trickler('GET /healthz HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(1000))
    try {
      // The body timeout is 10 s and the headers timeout 10 s; generous bounds for a loaded machine.
      await expect.poll(() => bodies.every((c) => c.state.closed), { timeout: 25_000, interval: 500 }).toBe(true)
      for (const c of bodies) expect(c.state.answer).toMatch(/^HTTP\/1\.1 408 /)
      expect(bodies[0]?.state.answer).toContain('"code":"request_timeout"')
      await expect.poll(() => headers.state.closed, { timeout: 25_000, interval: 500 }).toBe(true)
      expect(headers.state.answer).toMatch(/^HTTP\/1\.1 408 /)
    } finally {
      for (const c of [...bodies, headers]) c.end()
    }
    expect(server.child.exitCode).toBeNull()
    // Every line the processes wrote is one JSON object, through all of it.
    for (const s of [server]) for (const line of s.stderr().split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow()
  }, 60_000)
})
