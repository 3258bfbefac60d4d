import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { forEachBackend } from '../helpers/backends.ts'
import { serveEngawa } from '../helpers/engawa-server.ts'
import { createSite } from '../../src/sites/sites.ts'

forEachBackend((database) => {
  const closes: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closes) await close()
  })

  describe('a client that hangs up mid-body', () => {
    it('is logged as a client that went away, not as a server error', async () => {
      const engawa = await serveEngawa(database())
      closes.push(engawa.close)
      const site = await createSite(database().db, { name: 'Abort', origins: ['https://blog.example'] })
      const { hostname, port } = new URL(engawa.origin)
      const socket = connect(Number(port), hostname)
      await new Promise<void>((resolve) => socket.once('connect', resolve))
      socket.write(
        `POST /api/v1/sites/${site.id}/comments HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"thread":`,
      )
      // A third of the promised body, then the client closes its side and leaves.
      socket.end()
      await expect.poll(() => engawa.logs.find((l) => l.includes('"message":"request"') && l.includes('/comments'))).toBeDefined()
      const line = JSON.parse(engawa.logs.find((l) => l.includes('"message":"request"') && l.includes('/comments')) ?? '{}')
      expect(line).toMatchObject({ level: 'info', status: 400 })
      expect(engawa.logs.filter((l) => /"level":"(error|warn)"/.test(l))).toEqual([])
      expect(engawa.logs.some((l) => l.includes('client closed the request'))).toBe(true)
    })
  })
})
