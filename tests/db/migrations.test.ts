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

describe('the site rules migration', () => {
  it("turns each site's guest setting into the rules that replace it, holding back everything that was held", async () => {
    const { PGlite } = await import('@electric-sql/pglite')
    const { Kysely } = await import('kysely')
    const { Migrator } = await import('kysely/migration')
    const { PGliteDialect } = await import('kysely-pglite-dialect')
    const client = await PGlite.create()
    const db = new Kysely<any>({ dialect: new PGliteDialect(client) })
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
      expect((await migrator.migrateTo('20261125_1545_create_reports')).error).toBeUndefined()
      for (const policy of ['allowed', 'premoderated', 'forbidden'])
        await db.insertInto('sites').values({ id: policy, name: policy, allowed_origins: ['https://a.example'], guest_policy: policy }).execute()
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const sites = await db.selectFrom('sites').select(['id', 'guests_allowed', 'premoderation']).orderBy('id').execute()
      expect(sites).toEqual([
        { id: 'allowed', guests_allowed: true, premoderation: 'off' },
        { id: 'forbidden', guests_allowed: false, premoderation: 'off' },
        { id: 'premoderated', guests_allowed: true, premoderation: 'all' },
      ])
    } finally {
      await db.destroy()
    }
  })
})
