import http from 'node:http'

// The load balancer in front of several Engawa processes, for many-instances.ts:
//   node --import tsx tests/bench/round-robin-proxy.ts http://127.0.0.1:PORT …
// Each request goes to the next backend in turn; its answer streams back as it comes (Server-Sent
// Events included), with the backend's number (0, 1, …) in X-Bench-Backend. Prints {"port":…} once listening.
const backends = process.argv.slice(2).map((url) => new URL(url))
if (backends.length === 0) throw new Error('Name the backends: round-robin-proxy.ts http://127.0.0.1:PORT …')
// Hop-by-hop (RFC 9110, 7.6.1): each side of the proxy has its own connection.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection'])
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
let turn = 0

const endToEnd = (headers: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)))

const server = http.createServer((req, res) => {
  const index = turn++ % backends.length
  const backend = backends[index] ?? backends[0]
  const upstream = http.request({ host: backend?.hostname, port: backend?.port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { ...endToEnd(answer.headers), 'x-bench-backend': String(index) })
    res.flushHeaders()
    answer.pipe(res)
  })
  upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()))
  // A reader who leaves ends their stream on the backend too.
  res.on('close', () => res.writableFinished || upstream.destroy())
  req.pipe(upstream)
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }))
})
process.on('SIGTERM', () => {
  server.closeAllConnections()
  agent.destroy()
  server.close(() => process.exit(0))
})
