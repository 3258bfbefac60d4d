import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildWidget } from '../../src/widget/build.ts'

// What every reader downloads before the first paint: a budget, not a timing.
const BUDGET_GZIP_BYTES = 15_000

describe('the built widget', () => {
  let embed: Buffer
  beforeAll(async () => {
    // Built afresh into a folder of its own: browser tests may be reading public/ meanwhile.
    const outdir = mkdtempSync(join(tmpdir(), 'engawa-widget-'))
    await buildWidget(outdir)
    embed = readFileSync(join(outdir, 'embed.js'))
    rmSync(outdir, { recursive: true, force: true })
  })

  it(`is at most ${BUDGET_GZIP_BYTES} bytes gzipped, CSS included`, () => {
    const gzipped = gzipSync(embed, { level: 9 }).length
    console.log(`embed.js: ${embed.length} bytes, ${gzipped} gzipped`)
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES)
    expect(embed.toString()).toContain(':host{')
  })

  it('carries no Markdown library: previews come from the server', () => {
    expect(embed.toString()).not.toMatch(/markdown-it|marked|commonmark/i)
  })
})
