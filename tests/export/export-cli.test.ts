import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DOMParser } from '@xmldom/xmldom'
import { afterAll, describe, expect, it } from 'vitest'
import { runEntry } from '../helpers/processes.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'engawa-export-'))
const env = { DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '', PUBLIC_URL: 'https://comments.example' }
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('npm run engawa -- export', () => {
  // Each CLI run opens the embedded database: slow on a busy machine.
  it('writes the export to stdout or, whole or not at all, to a file; refuses an unknown format', { timeout: 120_000 }, async () => {
    const created = await runEntry('src/cli.ts', ['site', 'create', '--name', 'CLI blog', '--origin', 'https://blog.example'], env)
    const site = /Site (\w+):/.exec(created.stdout)?.[1] ?? ''
    expect(site).not.toBe('')

    const json = await runEntry('src/cli.ts', ['export', site], env)
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({
      $schema: 'https://comments.example/schemas/engawa-export-v1.json',
      format: 'engawa-export',
      site: { id: site, name: 'CLI blog' },
      threads: [],
      comments: [],
    })
    expect(json.stderr).toContain(`Exported 0 thread(s) and 0 comment(s) of CLI blog (${site}).`)

    const file = join(dataDir, 'out.xml')
    const xml = await runEntry('src/cli.ts', ['export', site, '--format', 'disqus', '--out', file], env)
    expect(xml.code, xml.stderr).toBe(0)
    expect(xml.stdout).toContain(`to ${file}.`)
    expect(existsSync(`${file}.partial`)).toBe(false)
    const doc = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`) } }).parseFromString(readFileSync(file, 'utf8'), 'application/xml')
    expect(doc.documentElement?.localName).toBe('disqus')

    const bad = await runEntry('src/cli.ts', ['export', site, '--format', 'csv'], env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('--format must be one of engawa, disqus.')
  })
})
