import { afterEach, describe, expect, it } from 'vitest'
import { captureConsole, createLog } from '../../src/log.ts'

const original = { error: console.error, warn: console.warn, info: console.info, log: console.log, debug: console.debug }
afterEach(() => Object.assign(console, original))

describe('the log', () => {
  it('turns what libraries print through console into JSON lines of its own, one object each', () => {
    const lines: string[] = []
    captureConsole(createLog('debug', (line) => lines.push(line)))
    console.error('pool trouble:', new Error('Connection terminated'))
    console.info('The user aborted a request.')
    console.log({ a: 1 }, 'and\nmore')
    expect(lines).toHaveLength(3)
    const parsed = lines.map((line) => JSON.parse(line))
    expect(parsed[0]).toMatchObject({ level: 'error', message: 'console', text: expect.stringContaining('pool trouble: Error: Connection terminated') })
    expect(parsed[1]).toMatchObject({ level: 'info', text: 'The user aborted a request.' })
    expect(parsed[2]).toMatchObject({ level: 'info', text: '{"a":1} and\nmore' })
    for (const line of lines) expect(line.includes('\n')).toBe(false)
  })
})
