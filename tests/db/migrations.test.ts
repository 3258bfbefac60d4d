import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { migrations } from '../../migrations/index.ts'

const files = readdirSync('migrations').filter((f) => f !== 'index.ts')

describe('migrations', () => {
  it('lists every migration file, in order, named by date', () => {
    const names = files.map((f) => f.replace(/\.ts$/, '')).sort()
    expect(Object.keys(migrations)).toEqual(names)
    for (const name of names) expect(name).toMatch(/^\d{8}_\d{4}_[a-z0-9_]+$/)
  })

  it('never imports application code, so a migration stays as it was written', () => {
    for (const file of files) expect(readFileSync(`migrations/${file}`, 'utf8')).not.toMatch(/from '\.\.\/src/)
  })
})
