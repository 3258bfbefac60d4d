import pg from 'pg'

export interface ListenHandlers {
  onPayload(payload: string): void
  /**
   * LISTEN is back after its connection was lost: notifications sent meanwhile never came, so
   * whoever relies on them catches up from what the database holds.
   */
  onResume?(): void
}

/** How the listening connection names itself in pg_stat_activity. */
export const LISTEN_APPLICATION_NAME = 'engawa-listen'

export type Listen = (channel: string, handlers: ListenHandlers) => Promise<() => Promise<void>>

/** Reconnecting after a lost connection: at once, then every RETRY_MS times 1, 2, 4, capped at RETRY_MAX_MS. */
const RETRY_MS = 250
const RETRY_MAX_MS = 1_000
/** A connection that stops answering (a network cut, an idle-killing proxy) is found by a ping this often… */
const PING_EVERY_MS = 15_000
/** …that must answer within this. */
const PING_TIMEOUT_MS = 5_000

/**
 * LISTEN on one connection of its own (a pooled one would be handed to queries). When the
 * connection is lost it reconnects promptly (a refused attempt costs nothing, and after a
 * restart every second without LISTEN is a second of missed news), then calls onResume.
 */
export function pgListen(url: string): Listen {
  return async (channel, handlers) => {
    let client: pg.Client | undefined
    let stopped = false
    let failures = 0
    let retry: ReturnType<typeof setTimeout> | undefined
    let ping: ReturnType<typeof setInterval> | undefined

    const scheduleReconnect = () => {
      if (stopped || retry) return
      const pause = failures === 0 ? 0 : Math.min(RETRY_MS * 2 ** (failures - 1), RETRY_MAX_MS)
      retry = setTimeout(() => {
        retry = undefined
        connect().then(
          () => handlers.onResume?.(),
          () => {
            failures++
            scheduleReconnect()
          },
        )
      }, pause)
      retry.unref?.()
    }

    const lose = (lost: pg.Client) => {
      if (client !== lost) return
      client = undefined
      clearInterval(ping)
      lost.end().catch(() => undefined)
      scheduleReconnect()
    }

    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: PING_TIMEOUT_MS, keepAlive: true, application_name: LISTEN_APPLICATION_NAME })
      next.on('notification', (message) => message.channel === channel && handlers.onPayload(message.payload ?? ''))
      next.on('error', () => lose(next))
      next.on('end', () => lose(next))
      try {
        await next.connect()
        await next.query(`listen ${pg.escapeIdentifier(channel)}`)
      } catch (error) {
        next.end().catch(() => undefined)
        throw error
      }
      if (stopped) return void next.end().catch(() => undefined)
      client = next
      failures = 0
      ping = setInterval(() => {
        const timer = setTimeout(() => lose(next), PING_TIMEOUT_MS)
        next.query('select 1').then(() => clearTimeout(timer), () => lose(next))
      }, PING_EVERY_MS)
      ping.unref?.()
    }

    await connect()
    return async () => {
      stopped = true
      clearTimeout(retry)
      clearInterval(ping)
      await client?.end().catch(() => undefined)
    }
  }
}
