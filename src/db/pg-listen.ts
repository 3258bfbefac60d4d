import pg from 'pg'

export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>

/**
 * LISTEN on one connection of its own (a pooled one would be handed to queries), reconnecting
 * with a growing pause if the server goes away: notifications sent meanwhile are lost, which
 * live updates can afford (the page is re-read on the next load).
 */
export function pgListen(url: string): Listen {
  return async (channel, onPayload) => {
    let client: pg.Client | undefined
    let stopped = false
    let pause = 500
    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: url })
      next.on('notification', (message) => message.channel === channel && onPayload(message.payload ?? ''))
      next.on('error', () => undefined)
      next.on('end', () => {
        if (stopped) return
        setTimeout(() => void connect().catch(() => undefined), pause).unref?.()
        pause = Math.min(pause * 2, 30_000)
      })
      await next.connect()
      await next.query(`listen ${pg.escapeIdentifier(channel)}`)
      client = next
      pause = 500
    }
    await connect()
    return async () => {
      stopped = true
      await client?.end().catch(() => undefined)
    }
  }
}
