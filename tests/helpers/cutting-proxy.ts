import { connect, createServer, type Socket } from 'node:net'

/**
 * A TCP proxy in front of Postgres that can lose one answer: when a client sends a statement
 * matching `cut` (after one matching `after`, if given, on the same connection), the server's
 * answer to it never arrives, and the connection ends. The server did its work (committed),
 * the client saw the connection drop: what a crash or a network cut at the wrong moment does.
 * It can also stall: answers stop, connections stay open.
 */
export async function startCuttingProxy(target: string) {
  const upstreamUrl = new URL(target)
  let plan: { cut: RegExp; after?: RegExp } | undefined
  let stalled = false
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(Number(upstreamUrl.port || 5432), upstreamUrl.hostname)
    sockets.add(client).add(upstream)
    let seenAfter = false
    let cutting = false
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('data', (chunk) => {
      const text = chunk.toString('latin1')
      if (plan?.after && !seenAfter && plan.after.test(text)) seenAfter = true
      else if (plan && (seenAfter || !plan.after) && plan.cut.test(text)) {
        cutting = true
        plan = undefined
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (cutting) end()
      else if (!stalled) client.write(chunk)
    })
    for (const socket of [client, upstream]) {
      socket.on('error', end)
      socket.on('close', () => {
        sockets.delete(socket)
        end()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(target)
  url.hostname = '127.0.0.1'
  url.port = String((server.address() as { port: number }).port)
  return {
    url: url.href,
    /** The next answer to `cut` (sent on a connection after `after`) is lost. */
    loseAnswer(cut: RegExp, after?: RegExp) {
      plan = { cut, after }
    },
    /** From now on no answer comes back and no connection closes: a database behind a network cut. */
    stall() {
      stalled = true
    },
    get armed() {
      return plan !== undefined
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
