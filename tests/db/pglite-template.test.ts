import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isMigrated } from '../../src/db/migrate.ts'
import { openPGlite } from '../../src/db/pglite.ts'
import { buildPgliteTemplate, seedFromTemplate } from '../../src/db/pglite-template.ts'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe('a data folder seeded from the template', () => {
  it('is a database only once the copy is whole: a copy cut short is begun again, and the database opens migrated', async () => {
    const { dir: template } = await buildPgliteTemplate()
    const dataDir = mkdtempSync(join(tmpdir(), 'engawa-seed-'))
    folders.push(dataDir)
    writeFileSync(join(dataDir, 'engawa.lock'), String(process.pid))

    // Cut short after half the entries, PG_VERSION among them.
    const entries = readdirSync(template)
    const half = ['PG_VERSION', ...entries.filter((e) => e !== 'PG_VERSION').slice(0, entries.length / 2)]
    expect(() =>
      seedFromTemplate(dataDir, {
        copy: (from, to) => {
          for (const entry of half) cpSync(join(from, entry), join(to, entry), { recursive: true })
          throw new Error('killed')
        },
      }),
    ).toThrow('killed')
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false)
    // Cut short while moving in, with all but one entry in place.
    let moved = 0
    expect(() =>
      seedFromTemplate(dataDir, {
        move: (from, to) => {
          if (++moved === entries.length) throw new Error('killed')
          renameSync(from, to)
        },
      }),
    ).toThrow('killed')
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(false)

    // The next start copies it all and opens it; the lock stays and no staging folder is left.
    rmSync(join(dataDir, 'engawa.lock'))
    const opened = await openPGlite(dataDir)
    try {
      expect(await isMigrated(opened.db)).toBe(true)
      expect(readdirSync(dataDir)).toEqual(expect.arrayContaining([...entries, 'engawa.lock']))
      expect(readdirSync(dataDir)).not.toContain('.engawa-seeding')
    } finally {
      await opened.close()
    }
    // Once whole, it is never copied over again.
    expect(seedFromTemplate(dataDir)).toBe(false)
  }, 60_000)
})
