import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import type { Log } from '../log.ts'
import { AppError, onError } from './errors.ts'

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>

/** A request's headers must arrive within this: a client sending them a byte at a time holds a connection. */
export const HEADERS_TIMEOUT_MS = 10_000
/** A whole request within this: only an upload (an export of up to 512 MiB) comes near it. */
export const UPLOAD_TIMEOUT_MS = 30 * 60_000

/** HOST:PORT cannot be listened on; the message says what to do. */
export class PortError extends Error {
  override name = 'PortError'
}

export interface NodeListener {
  server: Server
  /** Where it listens, as a browser on this machine reaches it. */
  url: string
  /** From now on requests go to the app. */
  serve(fetch: Fetch): void
}

/**
 * Takes HOST:PORT first, before the database is migrated or seeded, so a port in use stops
 * Engawa before it writes anything. Until serve() hands it the app it answers /healthz (the
 * process is up) and 503 not_ready with Retry-After to everything else.
 */
export async function listenFirst(port: number, host: string, log: Log): Promise<NodeListener> {
  const starting = new Hono()
    .get('/healthz', (c) => c.json({ status: 'starting' }))
    .all('*', () => {
      throw new AppError('not_ready', 'Engawa is starting; try again in a moment.', { retryAfter: 1 })
    })
    .onError(onError(log))
  let handler: Fetch = (request) => starting.fetch(request)
  const server = createAdaptorServer({
    fetch: (request, env) => handler(request, env),
    // Headers slower than HEADERS_TIMEOUT_MS are answered 408 by Node (checked every second);
    // bodies have their own bound (body-limit.ts), uploads the whole-request one.
    serverOptions: { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: UPLOAD_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
  }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(portError(error, port, host)))
    server.listen(port, host, () => resolve())
  })
  const address = server.address()
  const bound = typeof address === 'object' && address ? address : { address: host, port }
  const shown = bound.address.includes(':') ? `[${bound.address}]` : bound.address
  return { server, url: `http://${shown}:${bound.port}`, serve: (fetch) => void (handler = fetch) }
}

function portError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === 'EADDRINUSE')
    return new PortError(`Port ${port} on ${host} is in use by another program: stop it, or set PORT to a free port.`)
  if (error.code === 'EACCES')
    return new PortError(`This user may not listen on port ${port}: set PORT to 1024 or above, or put a reverse proxy in front.`)
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new PortError(`HOST ${host} is not an address of this machine: set HOST to one of its addresses, 127.0.0.1 or 0.0.0.0.`)
  return error
}
