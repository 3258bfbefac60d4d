import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import type { TestDatabase } from '../helpers/backends.ts'
import { setSiteRole } from '../../src/sites/members.ts'
import { fromEngawa, signUpAndVerify } from '../helpers/accounts.ts'
import { SITE_ORIGIN, startApp } from '../helpers/harness.ts'
import { runEntry } from '../helpers/processes.ts'
import { copyTemplateDatabase, hasPostgres } from '../helpers/server-database.ts'

// The CLI's thread commands, run as an owner would, against a Postgres server (a second process
// cannot open the embedded database while another holds it, and Postgres starts in no time).
const postgres = inject('postgres')
const closers: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

describe('the CLI moves, merges and exports threads', () => {
  if (!hasPostgres(postgres)) return

  it('lists a prefix move on a dry run, moves it, merges two threads, explains a bad call, and leaves the operator in the audit log', { timeout: 120_000 }, async () => {
    const copy = await copyTemplateDatabase(postgres, 'threadcli')
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 2 }) }) })
    closers.push(copy.drop, () => db.destroy())
    const t = await startApp({ name: 'postgres', db } as TestDatabase, { db })
    for (const [path, body] of [['/blog/2024/a', 'On a'], ['/blog/2024/b', 'On b'], ['/posts/b-again', 'On b, under its new address already']]) {
      const res = await t.post(`/api/v1/sites/${t.site.id}/comments`, { thread: { url: SITE_ORIGIN + path }, author: { name: 'Aki' }, body })
      expect(res.status).toBe(201)
    }
    const env = { DATABASE_URL: copy.url }
    const urls = async () => (await db.selectFrom('threads').select('url').where('site_id', '=', t.site.id).orderBy('url').execute()).map((r) => r.url)
    const move = ['thread', 'move', t.site.id, '--from', `${SITE_ORIGIN}/blog/2024/`, '--to', `${SITE_ORIGIN}/posts/`, '--prefix']

    const dry = await runEntry('src/cli.ts', [...move, '--dry-run'], env)
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('2 thread(s) would move:')
    expect(dry.stdout).toContain(`${SITE_ORIGIN}/blog/2024/a → ${SITE_ORIGIN}/posts/a`)
    expect(await urls()).toEqual([`${SITE_ORIGIN}/blog/2024/a`, `${SITE_ORIGIN}/blog/2024/b`, `${SITE_ORIGIN}/posts/b-again`])

    const moved = await runEntry('src/cli.ts', move, env)
    expect(moved.code, moved.stderr).toBe(0)
    expect(moved.stdout).toContain('Moved 2 thread(s):')
    expect(await urls()).toEqual([`${SITE_ORIGIN}/posts/a`, `${SITE_ORIGIN}/posts/b`, `${SITE_ORIGIN}/posts/b-again`])

    const merged = await runEntry('src/cli.ts', ['thread', 'merge', t.site.id, '--from', `${SITE_ORIGIN}/posts/b-again`, '--into', `${SITE_ORIGIN}/posts/b`], env)
    expect(merged.code, merged.stderr).toBe(0)
    expect(merged.stdout).toContain('Merged: 1 comment(s) moved.')
    expect(await urls()).toEqual([`${SITE_ORIGIN}/posts/a`, `${SITE_ORIGIN}/posts/b`])
    const page = await (await t.get(`/api/v1/sites/${t.site.id}/thread?url=${encodeURIComponent(`${SITE_ORIGIN}/posts/b`)}`)).json()
    expect(page.thread.total).toBe(2)

    const bad = await runEntry('src/cli.ts', ['thread', 'merge', t.site.id, '--from', `${SITE_ORIGIN}/nowhere`, '--into', `${SITE_ORIGIN}/posts/b`], env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).not.toContain('    at ')
    expect(bad.stderr.trim()).not.toBe('')
    expect(await urls()).toEqual([`${SITE_ORIGIN}/posts/a`, `${SITE_ORIGIN}/posts/b`])

    const exported = await runEntry('src/cli.ts', ['export', t.site.id], env)
    expect(exported.code, exported.stderr).toBe(0)
    const owner = await signUpAndVerify(t, undefined, 'Owner')
    await setSiteRole(db, t.site.id, owner.email, 'owner')
    const audit = await (await fromEngawa(t, 'GET', `/api/v1/moderation/sites/${t.site.id}/audit`, undefined, owner.cookie)).json()
    expect(audit.entries.map((e: { action: string; actor: string | null; byOperator: boolean }) => [e.action, e.actor, e.byOperator])).toEqual([
      ['export', null, true],
      ['merge', null, true],
      ['move', null, true],
    ])
    const auditPage = await (await t.request('GET', `/admin/sites/${t.site.id}/audit`, undefined, { origin: false, headers: { cookie: owner.cookie } })).text()
    expect(auditPage).toContain('<strong><bdi>The operator (command line)</bdi></strong> exported the comments of')
    expect(auditPage).not.toContain('A removed account')
  })
})
