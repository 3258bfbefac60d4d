import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildWidget } from '../../src/widget/build.ts'

// What every reader downloads before the first paint: a budget, not a timing. 15,000 until the
// discussion side: the reactions given are drawn and toggled under every comment, names link
// to profiles, and the account row keeps a place for the inbox, so they live here (about 840
// bytes with their words in both languages); the reaction picker, who reacted and the inbox
// itself come from react.js and inbox.js when first needed. 15,600 until read replicas: a
// reader's reads after their post ask for the thread's version it made (about 60 bytes), or a
// lagging replica would show the page without their comment.
const BUDGET_GZIP_BYTES = 15_700

describe('the built widget', () => {
  let embed: Buffer
  let count: Buffer
  const onDemand: Record<string, Buffer> = {}
  beforeAll(async () => {
    // Built afresh into a folder of its own: browser tests may be reading public/ meanwhile.
    const outdir = mkdtempSync(join(tmpdir(), 'engawa-widget-'))
    await buildWidget(outdir)
    embed = readFileSync(join(outdir, 'embed.js'))
    count = readFileSync(join(outdir, 'count.js'))
    for (const name of ['write', 'moderate', 'report', 'react', 'inbox', 'profile', 'community']) onDemand[name] = readFileSync(join(outdir, `${name}.js`))
    rmSync(outdir, { recursive: true, force: true })
  })

  it(`is at most ${BUDGET_GZIP_BYTES} bytes gzipped, CSS included`, () => {
    const gzipped = gzipSync(embed, { level: 9 }).length
    console.log(`embed.js: ${embed.length} bytes, ${gzipped} gzipped`)
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES)
    expect(embed.toString()).toContain(':host{')
  })

  it('has a comment-count script of at most 1,500 bytes gzipped', () => {
    const gzipped = gzipSync(count, { level: 9 }).length
    console.log(`count.js: ${count.length} bytes, ${gzipped} gzipped`)
    expect(gzipped).toBeLessThanOrEqual(1500)
  })

  it.each(['write', 'moderate', 'report', 'react', 'inbox', 'profile'])('loads %s.js only when needed: a module of at most 4,000 bytes gzipped, left out of embed.js', (name) => {
    const module = onDemand[name] as Buffer
    const gzipped = gzipSync(module, { level: 9 }).length
    console.log(`${name}.js: ${module.length} bytes, ${gzipped} gzipped`)
    expect(gzipped).toBeLessThanOrEqual(4000)
    // Each carries words of its own that the first file does not.
    const own = { write: 'Write your comment first.', moderate: 'Shadow-ban author', report: 'Why report this comment?', react: 'ListFormat', inbox: 'mentioned you', profile: 'About you, on this site' }[name] as string
    expect(module.toString()).toContain(own)
    expect(embed.toString()).not.toContain(own)
  })

  it('shows the community view from a module of its own, at most 9,000 bytes gzipped (it carries both languages of the thread words it reuses)', () => {
    const module = onDemand.community as Buffer
    const gzipped = gzipSync(module, { level: 9 }).length
    console.log(`community.js: ${module.length} bytes, ${gzipped} gzipped`)
    expect(gzipped).toBeLessThanOrEqual(9000)
    expect(module.toString()).toContain('Most active')
    expect(embed.toString()).not.toContain('Most active')
  })

  it('carries no Markdown library: previews come from the server', () => {
    expect(embed.toString()).not.toMatch(/markdown-it|marked|commonmark/i)
  })
})
