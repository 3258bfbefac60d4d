import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTempUploads, sweepOrphanedUploads } from '../../src/import/temp-uploads.ts'

const dir = mkdtempSync(join(tmpdir(), 'engawa-uploads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const body = (text: string) => new Response(text).body as ReadableStream<Uint8Array>

describe('temporary upload files', () => {
  it('are swept at start when the process that wrote them has died, never while it lives', async () => {
    const uploads = createTempUploads(dir)
    const live = await uploads.receive(body('<disqus/>'), 1024)
    // A process that has exited: its id is free, so its files are orphans.
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    expect(dead).toBeGreaterThan(0)
    const orphan = join(dir, `engawa-import-${dead}-${crypto.randomUUID()}`)
    writeFileSync(orphan, 'left by a crash')
    const unrelated = join(dir, 'someone-else.txt')
    writeFileSync(unrelated, 'not ours')

    expect(await sweepOrphanedUploads(dir)).toBe(1)
    expect(existsSync(orphan)).toBe(false)
    expect(existsSync(live.path)).toBe(true)
    expect(existsSync(unrelated)).toBe(true)
    await live.remove()
    expect(readdirSync(dir)).toEqual(['someone-else.txt'])
  })
})
