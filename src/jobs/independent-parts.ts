import { isDatabaseUnavailable } from '../db/unavailable.ts'

/**
 * Background work in parts that do not depend on each other (maintenance's steps, the outboxes):
 * each runs whatever became of those before it, and what one throws is kept in `failed`, by
 * name, so one that keeps failing never stops the rest. Once the database is found away, the
 * parts after it are not tried: each would only wait out the same connection timeout.
 */
export function independentParts() {
  const failed: Record<string, string> = {}
  let away: string | undefined
  return {
    failed,
    async run<T>(name: string, part: () => Promise<T>, otherwise: T): Promise<T> {
      if (away) {
        failed[name] = `not run: ${away}`
        return otherwise
      }
      try {
        return await part()
      } catch (error) {
        failed[name] = error instanceof Error ? error.message : String(error)
        if (isDatabaseUnavailable(error)) away = 'the database is unavailable'
        return otherwise
      }
    },
    /** What a part that keeps its own list (maintenance's steps) says failed, as `<part> <step>`. */
    include(part: string, its: Readonly<Record<string, string>> = {}) {
      for (const [step, error] of Object.entries(its)) failed[`${part} ${step}`] = error
    },
  }
}
