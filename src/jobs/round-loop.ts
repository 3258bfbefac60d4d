import type { Log } from '../log.ts'

export interface RoundLoop {
  /** Runs rounds every `intervalMs` (at once again after a full batch) until stop(). */
  start(intervalMs: number): void
  /** Stops the loop and waits for a round in flight to finish. */
  stop(): Promise<void>
}

/**
 * The loop of an outbox worker (mail, webhooks): a round, then a pause, or none when the round
 * handled a full batch and more may be waiting. `round` answers how many rows it handled.
 */
export function roundLoop(name: string, log: Log, batchSize: number, round: () => Promise<number>): RoundLoop {
  let isRunning = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<void> | undefined

  async function tick(intervalMs: number): Promise<void> {
    let isFullBatch = false
    try {
      isFullBatch = (await round()) >= batchSize
    } catch (error) {
      // The database may be briefly away; the next round tries again. Nothing escapes the timer.
      log.error(`${name} round failed`, { error: error instanceof Error ? error.message : String(error) })
    }
    if (!isRunning) return
    timer = setTimeout(() => (inFlight = tick(intervalMs)), isFullBatch ? 0 : intervalMs)
    // The loop alone does not keep the process alive; the server does.
    timer.unref?.()
  }

  return {
    start(intervalMs) {
      if (isRunning) return
      isRunning = true
      inFlight = tick(intervalMs)
    },
    async stop() {
      isRunning = false
      clearTimeout(timer)
      await inFlight
    },
  }
}
