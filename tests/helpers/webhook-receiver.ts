import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedHook {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** What the receiver answers; by default 200 "ok". */
export type Answer = (req: ReceivedHook, res: ServerResponse) => void

/** A real HTTP endpoint on loopback (port 0) that keeps every request it gets. */
export async function startWebhookReceiver(answer: Answer = (_req, res) => res.end('ok')) {
  const received: ReceivedHook[] = []
  let respond = answer
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const hook = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(hook)
      respond(hook, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    /** Changes what later requests are answered. */
    answerWith(next: Answer) {
      respond = next
    },
    /** The bodies received, parsed. */
    events: () => received.map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, any> }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>

/** Answers with a status and a body. */
export const status = (code: number, body = '', headers: Record<string, string> = {}): Answer => (_req, res) => {
  res.writeHead(code, headers)
  res.end(body)
}
