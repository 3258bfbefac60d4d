import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// The bundle's stack traces name src/ files without node --enable-source-maps: a bundle made
// like the server's, whose code throws from a known line.
const root = mkdtempSync(join(tmpdir(), 'engawa-stack-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('stack traces of the bundled server', () => {
  it('name the file and line under src/ where the error was thrown, reading the map only when a trace is written', async () => {
    mkdirSync(join(root, 'src'))
    writeFileSync(join(root, 'src', 'thrower.ts'), ['export function failDeepInside(): never {', "  throw new Error('broken on purpose')", '}', ''].join('\n'))
    writeFileSync(
      join(root, 'src', 'entry.ts'),
      [
        `import { mapBundleStackTraces } from ${JSON.stringify(join(process.cwd(), 'src', 'bundle-stack-traces.ts'))}`,
        "import { failDeepInside } from './thrower.ts'",
        'mapBundleStackTraces(import.meta.url)',
        'try { failDeepInside() } catch (error) { console.log((error as Error).stack) }',
        '',
      ].join('\n'),
    )
    await build({ entryPoints: [join(root, 'src', 'entry.ts')], outfile: join(root, 'dist', 'server.js'), bundle: true, platform: 'node', format: 'esm', sourcemap: 'linked', sourcesContent: false, logLevel: 'error' })
    const run = spawnSync(process.execPath, [join(root, 'dist', 'server.js')], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('Error: broken on purpose')
    expect(run.stdout).toMatch(/at failDeepInside \(src\/thrower\.ts:2:9\)/)
    // Without the map beside it, the trace is V8's own, pointing into the bundle.
    rmSync(join(root, 'dist', 'server.js.map'))
    const bare = spawnSync(process.execPath, [join(root, 'dist', 'server.js')], { encoding: 'utf8' })
    expect(bare.stdout).toMatch(/at failDeepInside \(file:\/\/.*dist\/server\.js:\d+:\d+\)/)
  })
})
