import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import type { TestDatabase } from '../helpers/backends.ts'
import { postGuest } from '../helpers/comments.ts'
import { startApp } from '../helpers/harness.ts'
import { runEntry } from '../helpers/processes.ts'
import { copyTemplateDatabase, hasPostgres } from '../helpers/server-database.ts'

// `site update` as an operator runs it, against a Postgres server (a second process cannot open
// the embedded database while another holds it).
const postgres = inject('postgres')
const closers: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

describe('the CLI changes a site', () => {
  if (!hasPostgres(postgres)) return

  it.each([
    { case: 'site create without --name', args: ['site', 'create', '--origin', 'https://blog.example'], says: '--name is required' },
    { case: 'site create without --origin', args: ['site', 'create', '--name', 'Blog'], says: '--origin is required' },
    { case: 'a negative --edit-window', args: ['site', 'create', '--name', 'Blog', '--origin', 'https://blog.example', '--edit-window=-5'], says: '--edit-window must be a whole number of seconds from 0 to 31536000.' },
    { case: 'import without a format', args: ['import'], says: 'where FORMAT is one of disqus, wordpress, remark42, commento, isso, waline, artalk, engawa.' },
  ])('says plainly what is wrong with $case, creating nothing', { timeout: 60_000 }, async ({ args, says }) => {
    const copy = await copyTemplateDatabase(postgres, 'sitecli')
    closers.push(copy.drop)
    const run = await runEntry('src/cli.ts', args, { DATABASE_URL: copy.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(says)
    expect(run.stderr).not.toContain('    at ')
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 1 }) }) })
    expect(await db.selectFrom('sites').select('id').execute()).toEqual([])
    await db.destroy()
  })

  it('renames it and sets its origins, asking --confirm before removing one with threads, and audits the operator', { timeout: 120_000 }, async () => {
    const copy = await copyTemplateDatabase(postgres, 'sitecli')
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 2 }) }) })
    closers.push(copy.drop, () => db.destroy())
    const t = await startApp({ name: 'postgres', db } as TestDatabase, { db })
    await postGuest(t, 'on the blog')
    const env = { DATABASE_URL: copy.url }
    const update = (...args: string[]) => runEntry('src/cli.ts', ['site', 'update', t.site.id, ...args], env)

    const added = await update('--name', 'The Blog', '--origin', 'https://blog.example', '--origin', 'https://www.blog.example')
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain('allowed origins: https://blog.example, https://www.blog.example')
    expect(added.stdout).toContain(`Site ${t.site.id}: The Blog`)

    const refused = await update('--origin', 'https://www.blog.example')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('https://blog.example has 1 thread')
    expect(refused.stderr).not.toContain('    at ')

    const removed = await update('--origin', 'https://www.blog.example', '--confirm')
    expect(removed.code, removed.stderr).toBe(0)
    const site = await db.selectFrom('sites').select(['name', 'allowed_origins']).where('id', '=', t.site.id).executeTakeFirstOrThrow()
    expect(site).toEqual({ name: 'The Blog', allowed_origins: ['https://www.blog.example'] })
    expect(await t.count('comments')).toBe(1)
    const audit = await db.selectFrom('moderation_actions').select(['action', 'by_operator', 'reason']).where('site_id', '=', t.site.id).orderBy('reason').execute()
    expect(audit).toEqual([
      { action: 'origins', by_operator: true, reason: 'Allowed origins: added https://www.blog.example' },
      { action: 'origins', by_operator: true, reason: 'Allowed origins: removed https://blog.example' },
      { action: 'settings', by_operator: true, reason: 'Changed name' },
    ])
  })

  it('deletes it once --name repeats its name, recording the operator', { timeout: 120_000 }, async () => {
    const copy = await copyTemplateDatabase(postgres, 'sitecli')
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 2 }) }) })
    closers.push(copy.drop, () => db.destroy())
    const t = await startApp({ name: 'postgres', db } as TestDatabase, { db })
    await postGuest(t, 'on the blog')
    const env = { DATABASE_URL: copy.url }
    const refused = await runEntry('src/cli.ts', ['site', 'delete', t.site.id, '--name', 'Another name'], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`give its name exactly: "${t.site.name}"`)
    expect(await t.count('comments')).toBe(1)
    const deleted = await runEntry('src/cli.ts', ['site', 'delete', t.site.id, '--name', t.site.name], env)
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(deleted.stdout).toContain('1 thread(s), 1 comment(s)')
    expect(await db.selectFrom('sites').select('id').where('id', '=', t.site.id).execute()).toEqual([])
    expect(await db.selectFrom('site_deletions').select(['by_operator', 'actor_user_id', 'comments']).where('site_id', '=', t.site.id).execute()).toEqual([
      { by_operator: true, actor_user_id: null, comments: 1 },
    ])
  })
})
