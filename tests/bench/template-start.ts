import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The embedded database's first start, with and without the migrated template made at build
// time, beside a start on an existing folder: the built server (what npm start runs) to an
// answered /healthz, five rounds interleaved, medians.
const TEMPLATES = fileURLToPath(new URL('../../dist/pglite-template/', import.meta.url))

async function firstAnswerMs(dataDir: string, via: 'bundle' | 'tsx' = 'bundle'): Promise<number> {
  // The previous start's writes (a migration from scratch writes megabytes) reach the disk first,
  // not during this start.
  spawnSync('sync')
  const started = performance.now()
  const child = spawn(process.execPath, via === 'bundle' ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  try {
    let log = ''
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 120 s:\n${log}`)), 120_000)
      child.stderr?.on('data', (d) => {
        log += d
        const match = /"message":"listening","url":"([^"]+)"/.exec(log)
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1])
        }
      })
    })
    await fetch(`${url}/healthz`)
    return performance.now() - started
  } finally {
    child.kill('SIGINT')
    await once(child, 'exit')
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

export async function templateStart(rounds = 5): Promise<{ template: number; noTemplate: number; existing: number; existingTsx: number }> {
  const [current] = existsSync(TEMPLATES) ? readdirSync(TEMPLATES).filter((d) => !d.endsWith('.hidden')) : []
  if (!current) throw new Error('No template: run npm run build first.')
  const times = { template: [] as number[], noTemplate: [] as number[], existing: [] as number[], existingTsx: [] as number[] }
  // One start first, not counted: the first of a run also reads node_modules from disk.
  const warm = mkdtempSync(join(tmpdir(), 'engawa-bench-warm-'))
  await firstAnswerMs(join(warm, 'data')).finally(() => rmSync(warm, { recursive: true, force: true }))
  for (let round = 0; round < rounds; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'engawa-bench-start-'))
    try {
      times.template.push(await firstAnswerMs(join(dir, 'a')))
      times.existing.push(await firstAnswerMs(join(dir, 'a')))
      // The same start compiled by tsx at each start, as npm start ran it before the bundle.
      times.existingTsx.push(await firstAnswerMs(join(dir, 'a'), 'tsx'))
      // Hidden for one start: a new folder is then created and migrated as before templates.
      renameSync(join(TEMPLATES, current), join(TEMPLATES, `${current}.hidden`))
      try {
        times.noTemplate.push(await firstAnswerMs(join(dir, 'b')))
      } finally {
        renameSync(join(TEMPLATES, `${current}.hidden`), join(TEMPLATES, current))
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return { template: median(times.template), noTemplate: median(times.noTemplate), existing: median(times.existing), existingTsx: median(times.existingTsx) }
}
