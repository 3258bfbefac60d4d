import http from 'node:http'

interface Memory {
  rss: number
  heapUsed: number
  external: number
  readers: number
}

async function memory(port: number): Promise<Memory> {
  return (await fetch(`http://127.0.0.1:${port}/bench/memory`)).json() as Promise<Memory>
}

/**
 * Holds `count` idle live-update streams open on one server process and reports what each
 * costs it: resident memory and JavaScript heap, measured after a forced collection on both
 * sides (the server runs with --expose-gc).
 */
export async function idleReaders(port: number, path: string, count: number) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity })
  const before = await memory(port)
  const requests: http.ClientRequest[] = []
  let ready = 0
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${ready} of ${count} streams opened`)), 60_000)
    for (let i = 0; i < count; i++) {
      const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.once('data', () => {
          if (++ready === count) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      req.on('error', () => undefined)
      requests.push(req)
    }
  })
  await new Promise((r) => setTimeout(r, 1000))
  const after = await memory(port)
  for (const req of requests) req.destroy()
  agent.destroy()
  const kib = (bytes: number) => bytes / 1024
  return {
    count: after.readers - before.readers,
    rssMiB: [kib(before.rss) / 1024, kib(after.rss) / 1024] as const,
    perReaderKiB: kib(after.rss - before.rss) / count,
    heapPerReaderKiB: kib(after.heapUsed + after.external - before.heapUsed - before.external) / count,
  }
}
