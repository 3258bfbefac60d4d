import { sql, type Kysely } from 'kysely'
import { Migrator } from 'kysely/migration'
import { migrations } from '../../migrations/index.ts'

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (await appliedAreExactlyKnown(db)) return []
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) throw new Error('Migration failed', { cause: error })
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** True when every migration this code knows has been applied: what /readyz reports. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  if (await appliedAreExactlyKnown(db)) return true
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const all = await migrator.getMigrations()
  return all.every((m) => m.executedAt !== undefined)
}

// The Migrator first reads the catalog to find its own tables, a quarter of a second on the
// embedded database at every start. Most starts have nothing to do: one read says so. Anything
// else (a new database, migrations to run, names this code does not know) is the Migrator's.
async function appliedAreExactlyKnown(db: Kysely<any>): Promise<boolean> {
  const { rows: table } = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db)
  if (!table[0]?.found) return false
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  const applied = new Set(rows.map((r) => r.name))
  return applied.size === Object.keys(migrations).length && Object.keys(migrations).every((name) => applied.has(name))
}
