import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgressDisplay } from '../../src/import/progress-display.ts'
import type { ImportProgress } from '../../src/import/run-import.ts'

function stream(isTTY: boolean) {
  let text = ''
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk)
      done()
    },
  }) as unknown as NodeJS.WriteStream
  Object.assign(out, { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true })
  return { out, text: () => text }
}

const reading: ImportProgress = { phase: 'reading', fileBytes: 4 << 20, bytesRead: 2 << 20, stagedThreads: 3, stagedComments: 40, threadsDone: 0, threadsTotal: 0 }
const writing: ImportProgress = { ...reading, phase: 'writing', bytesRead: 4 << 20, threadsDone: 2, threadsTotal: 3 }

describe('the CLI’s import progress', () => {
  it('draws a bar on a terminal', () => {
    const s = stream(true)
    const display = createProgressDisplay(s.out)
    display.update(reading)
    display.update(writing)
    display.stop()
    expect(s.text()).toContain('Reading [')
    expect(s.text()).toContain('Writing [')
    expect(s.text()).toContain('2 of 3 threads')
  })

  it('writes plain lines elsewhere, one per phase at least', () => {
    const s = stream(false)
    const display = createProgressDisplay(s.out)
    display.update(reading)
    display.update(reading)
    display.update(writing)
    display.stop()
    expect(s.text()).toBe('Reading: 50% (2.0 MiB of 4.0 MiB, 40 comments in 3 threads)\nWriting: 66% (2 of 3 threads)\n')
  })
})
