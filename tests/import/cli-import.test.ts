import { ensureVerifiedUser } from '../../src/auth/users.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import { createSite } from '../../src/sites/sites.ts'
import { runEntry } from '../helpers/processes.ts'
import { copyTemplateDatabase } from '../helpers/server-database.ts'
import { FIXTURES } from './helpers.ts'

const disqus = join(FIXTURES, 'disqus-blog.xml')

describe('npm run engawa -- import, on a copy of the Postgres server’s database', () => {
  const postgres = inject('postgres')
  let env: Record<string, string> = {}
  let db: Kysely<Database> | undefined
  let siteId = ''
  let drop = async () => {}
  beforeAll(async () => {
    if (!('template' in postgres)) return
    const copy = await copyTemplateDatabase(postgres, 'cli_import')
    drop = copy.drop
    env = { DATABASE_URL: copy.url, LOG_LEVEL: 'silent' }
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 2 }) }) })
    siteId = (await createSite(db, { name: 'CLI blog', origins: ['https://blog.example'] })).id
    await ensureVerifiedUser(db, { email: 'ren@example.com', displayName: 'Ren Account', passwordHash: null }, new Date())
  })
  afterAll(async () => {
    await db?.destroy()
    await drop()
  })
  const counts = async () => {
    const n = async (table: 'threads' | 'comments') =>
      Number((await (db as Kysely<Database>).selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', siteId).executeTakeFirstOrThrow()).n)
    return { threads: await n('threads'), comments: await n('comments') }
  }

  it('imports with progress on stderr and a summary; again, adds nothing; refuses a damaged file with nothing written', { timeout: 90_000 }, async () => {
    if (!('template' in postgres)) {
      if (process.env.CI === 'true') throw new Error(`Postgres is required under CI=true: ${postgres.unavailable}`)
      return
    }
    const damaged = await runEntry('src/cli.ts', ['import', 'disqus', join(FIXTURES, 'disqus-damaged.xml'), '--site', siteId], env)
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toContain('The file is not well-formed XML')
    expect(await counts()).toEqual({ threads: 0, comments: 0 })

    const first = await runEntry('src/cli.ts', ['import', 'disqus', disqus, '--site', siteId, '--map-origin', 'http://old-blog.example=https://blog.example'], env)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain('Threads: 3 created, 0 added to, 0 unchanged.')
    expect(first.stdout).toContain('Comments: 11 imported (9 published, 1 removed, 1 spam), 0 already imported')
    expect(first.stdout).toMatch(/Skipped: 1\.\n {2}1 × The thread has no comments\n {6}e\.g\. thread 102/)
    // Not a terminal: plain progress lines, not a bar.
    expect(first.stderr).toMatch(/^Reading: \d+%/m)
    expect(first.stderr).toMatch(/^Writing: \d+% \(\d+ of 3 threads\)/m)
    expect(await counts()).toEqual({ threads: 3, comments: 11 })
    // The operator's import joins authors to the accounts with their verified addresses.
    const ren = await (db as Kysely<Database>).selectFrom('comments').select(['author_name', 'author_user_id', 'author_email']).where('site_id', '=', siteId).where('author_user_id', 'is not', null).execute()
    expect(ren).toEqual([{ author_name: 'Ren Account', author_user_id: expect.any(String), author_email: null }])

    const second = await runEntry('src/cli.ts', ['import', 'disqus', disqus, '--site', siteId, '--map-origin', 'http://old-blog.example=https://blog.example'], env)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Comments: 0 imported (none), 11 already imported')
    expect(await counts()).toEqual({ threads: 3, comments: 11 })

    const wrongFlag = await runEntry('src/cli.ts', ['import', 'wordpress', disqus, '--site', siteId], env)
    expect(wrongFlag.code).toBe(1)
    expect(wrongFlag.stderr).toContain('This is not a WordPress export (WXR)')
    const unknown = await runEntry('src/cli.ts', ['import', 'myspace', disqus, '--site', siteId], env)
    expect(unknown.stderr).toContain('use one of disqus, wordpress')
  })
})

describe('npm run engawa -- import, on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engawa-cli-import-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('imports a WordPress export into a site made by the CLI', { timeout: 90_000 }, async () => {
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }
    const created = await runEntry('src/cli.ts', ['site', 'create', '--name', 'Embedded', '--origin', 'https://blog.example'], env)
    const site = /Site (\w+):/.exec(created.stdout)?.[1] ?? ''
    const imported = await runEntry('src/cli.ts', ['import', 'wordpress', join(FIXTURES, 'wordpress-blog.xml'), '--site', site], env)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toContain('Comments: 7 imported (4 published, 1 pending, 1 removed, 1 spam)')
    expect(imported.stdout).toContain('2 × A pingback or trackback, not a comment')
  })
})
