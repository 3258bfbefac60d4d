import { PGlite } from '@electric-sql/pglite'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { migrateToLatest } from './migrate.ts'
import { packageRoot } from '../package-root.ts'

// Creating and migrating an embedded database takes seconds; copying one made at build time, a
// fraction of one. The template is named by the migrations it holds, so a checkout with other
// migrations never starts from a stale one (it then migrates as before).
const MIGRATIONS = join(packageRoot(), 'migrations')
const TEMPLATES = join(packageRoot(), 'dist', 'pglite-template')

function templateDir(): string {
  const hash = createHash('sha256')
  for (const file of readdirSync(MIGRATIONS).sort()) hash.update(file).update(readFileSync(join(MIGRATIONS, file)))
  return join(TEMPLATES, hash.digest('hex').slice(0, 16))
}

/** Makes the migrated template for today's migrations, unless it exists. */
export async function buildPgliteTemplate(): Promise<{ dir: string; built: boolean }> {
  const dir = templateDir()
  if (existsSync(dir)) return { dir, built: false }
  const work = join(tmpdir(), `engawa-template-${process.pid}`)
  rmSync(work, { recursive: true, force: true })
  const lite = await PGlite.create(work)
  await migrateToLatest(new Kysely({ dialect: new PGliteDialect(lite) }))
  await lite.close()
  // Opened once more and checkpointed: a start from it then finds the catalog caches' files
  // written and no log to replay, and opens in about half the time.
  const again = await PGlite.create(work)
  await again.query('checkpoint')
  await again.close()
  // Older templates go: one checkout needs one. The copy then the rename, so no half-written one is ever found.
  rmSync(TEMPLATES, { recursive: true, force: true })
  mkdirSync(TEMPLATES, { recursive: true })
  cpSync(work, `${dir}.partial`, { recursive: true })
  renameSync(`${dir}.partial`, dir)
  rmSync(work, { recursive: true, force: true })
  return { dir, built: true }
}

/**
 * A new data folder starts as a copy of the template, when there is one for these migrations.
 * The copy goes to a folder inside it, then each entry moves in, PG_VERSION last: a folder is a
 * database only once it is whole, so a start cut short while copying (Ctrl-C on the first
 * `npm start`) begins the copy again next time instead of opening half a database.
 */
export function seedFromTemplate(dataDir: string, { copy = copyFolder, move = renameSync } = {}): boolean {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return false
  const dir = templateDir()
  if (!existsSync(dir)) return false
  const staging = join(dataDir, '.engawa-seeding')
  rmSync(staging, { recursive: true, force: true })
  copy(dir, staging)
  const entries = readdirSync(staging).sort((a, b) => Number(a === 'PG_VERSION') - Number(b === 'PG_VERSION'))
  for (const entry of entries) {
    rmSync(join(dataDir, entry), { recursive: true, force: true })
    move(join(staging, entry), join(dataDir, entry))
  }
  rmSync(staging, { recursive: true, force: true })
  return true
}

// The template is 1,175 small files: cp copies them in about half the time of fs.cpSync, which
// checks and stats each in JavaScript. Where there is no cp (Windows), cpSync.
function copyFolder(from: string, to: string) {
  mkdirSync(to, { recursive: true })
  if (process.platform !== 'win32' && spawnSync('cp', ['-R', `${from}/.`, to], { stdio: 'ignore' }).status === 0) return
  cpSync(from, to, { recursive: true })
}
