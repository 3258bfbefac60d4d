/** How long a query waits for a connection (a free one from the pool, or a new one) before failing: the 503 comes no later. */
export const CONNECT_TIMEOUT_MS = 5_000

/**
 * Whether an error means the database is away for now (restarting, failing over, refusing
 * connections, read-only during a switchover) rather than that the query was wrong: such a
 * request is answered 503 with Retry-After, never 500, and the next one may succeed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (matches(e)) return true
  }
  return false
}

// SQLSTATE classes and codes (Postgres, Appendix A): 08 connection exception; 57P01–57P03
// admin or crash shutdown, cannot connect now (starting up, in recovery); 53300 too many
// connections; 25006 read-only transaction (a standby, or a primary being demoted).
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '25006'])
// What node's sockets say when the server is gone or unreachable.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
// What pg and pg-pool say, without a code, when a connection ends or cannot be had in time.
const PG_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable|Connection terminated due to connection timeout)/

function matches(error: Error): boolean {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code))) return true
  if (error instanceof AggregateError) return error.errors.some((e) => e instanceof Error && matches(e))
  return PG_MESSAGES.test(error.message)
}
