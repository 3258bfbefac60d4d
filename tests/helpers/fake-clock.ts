import type { Clock } from '../../src/deps.ts'

/** Time that moves only when a test moves it. */
export function createFakeClock(start = new Date('2026-06-01T09:00:00Z')) {
  let now = start.getTime()
  const clock: Clock & { advance(ms: number): void; set(date: Date): void } = {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms
    },
    set: (date) => {
      now = date.getTime()
    },
  }
  return clock
}
export type FakeClock = ReturnType<typeof createFakeClock>
