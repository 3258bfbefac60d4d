import { readdirSync, readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrations } from '../../migrations/index.ts'

const files = readdirSync('migrations').filter((f) => f !== 'index.ts')

/** A new embedded database migrated up to `name`, and the migrator to take it further. */
async function migratedTo(name: string) {
  const { PGlite } = await import('@electric-sql/pglite')
  const { Kysely } = await import('kysely')
  const { Migrator } = await import('kysely/migration')
  const { PGliteDialect } = await import('kysely-pglite-dialect')
  const db = new Kysely<any>({ dialect: new PGliteDialect(await PGlite.create()) })
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  expect((await migrator.migrateTo(name)).error).toBeUndefined()
  return { db, migrator }
}

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
    const { db, migrator } = await migratedTo('20261125_1545_create_reports')
    try {
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

describe('the uncounted reactions migration', () => {
  it("takes the reactions of readers already shadow-banned off their comments' counts, and moves those pages on", async () => {
    const { db, migrator } = await migratedTo('20261204_1300_create_inbox')
    try {
      const now = new Date()
      await db.insertInto('sites').values({ id: 's', name: 's', allowed_origins: ['https://a.example'] }).execute()
      const thread = await db.insertInto('threads').values({ site_id: 's', key: 'k', url: 'https://a.example/k', created_at: now, updated_at: now }).returning(['id', 'version']).executeTakeFirstOrThrow()
      const comment = (seq: number) => ({ site_id: 's', thread_id: thread.id, seq, path: [seq], depth: 0, author_name: 'A', body_source: 'x', body_html: '<p>x</p>', status: 'published', created_at: now })
      const [a, b] = await Promise.all([1, 2].map(async (seq) => (await db.insertInto('comments').values({ ...comment(seq), root_id: sql`gen_random_uuid()` }).returning('id').executeTakeFirstOrThrow()).id))
      await db.updateTable('comments').set({ root_id: sql`id` }).execute()
      await db.insertInto('site_authors').values({ site_id: 's', author: 'user:troll', shadow_banned: true, updated_at: now }).execute()
      const reaction = (comment_id: string, reactor: string, kind: string) => ({ site_id: 's', comment_id, reactor, kind, created_at: now })
      await db.insertInto('reactions').values([reaction(a, 'user:troll', 'heart'), reaction(a, 'user:hana', 'heart'), reaction(b, 'user:hana', 'clap')]).execute()
      await db.updateTable('comments').set({ reactions: sql`'{"heart": 2}'::jsonb` }).where('id', '=', a).execute()
      await db.updateTable('comments').set({ reactions: sql`'{"clap": 1}'::jsonb` }).where('id', '=', b).execute()
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const reactions = await db.selectFrom('reactions').select(['reactor', 'kind', 'counted']).orderBy('reactor').orderBy('kind').execute()
      expect(reactions).toEqual([
        { reactor: 'user:hana', kind: 'clap', counted: true },
        { reactor: 'user:hana', kind: 'heart', counted: true },
        { reactor: 'user:troll', kind: 'heart', counted: false },
      ])
      const counts = await db.selectFrom('comments').select(['id', 'reactions']).execute()
      expect(Object.fromEntries(counts.map((c) => [c.id, c.reactions]))).toEqual({ [a]: { heart: 1 }, [b]: { clap: 1 } })
      expect((await db.selectFrom('threads').select('version').executeTakeFirstOrThrow()).version).toBe(thread.version + 1)
    } finally {
      await db.destroy()
    }
  })
})

describe('the first-published migration', () => {
  it('marks as published before the comments an edit holds in review, and those a shadow ban took out of sight, and no others', async () => {
    const { db, migrator } = await migratedTo('20261205_0900_uncounted_reactions')
    try {
      const now = new Date('2026-12-01T00:00:00Z')
      await db.insertInto('sites').values({ id: 's', name: 's', allowed_origins: ['https://a.example'] }).execute()
      const thread = await db.insertInto('threads').values({ site_id: 's', key: 'k', url: 'https://a.example/k', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()
      const later = new Date(now.getTime() + 60_000)
      // The guest `f` was shadow-banned a minute after `now`.
      await db.insertInto('moderation_actions').values({ site_id: 's', action: 'shadow-ban', target_kind: 'author', target_id: 'guest:f', created_at: later }).execute()
      const rows: Array<[string, string | null, Date]> = [
        ['published', null, now],
        ['pending', null, now],
        ['pending', 'Edited. Held for a word on the list.', now],
        ['hidden', 'Edited. x', now],
        ['shadowed', null, now], // published, then out of sight by the ban
        ['shadowed', null, new Date(later.getTime() + 1)], // posted while banned: never published
        ['pending', 'Posted while shadow-banned; the site approves comments first.', now],
      ]
      for (const [i, [status, reason, at]] of rows.entries())
        await db.insertInto('comments').values({ site_id: 's', thread_id: thread.id, root_id: sql`gen_random_uuid()`, seq: i + 1, path: [i + 1], depth: 0, author_name: 'A', author_fingerprint: 'f', body_source: 'x', body_html: '<p>x</p>', status, moderation_reason: reason, created_at: at }).execute()
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const marked = await db.selectFrom('comments').select(['seq', 'first_published_at']).orderBy('seq').execute()
      expect(marked.map((m) => m.first_published_at && m.seq)).toEqual([null, null, 3, null, 5, null, 7])
    } finally {
      await db.destroy()
    }
  })
})

describe('migrating at start', () => {
  async function freshDatabase() {
    const { PGlite } = await import('@electric-sql/pglite')
    const { Kysely } = await import('kysely')
    const { PGliteDialect } = await import('kysely-pglite-dialect')
    return new Kysely<any>({ dialect: new PGliteDialect(await PGlite.create()) })
  }

  it('runs what is missing, says nothing is when all is applied, and refuses a database that ran migrations this code does not know', async () => {
    const { Migrator } = await import('kysely/migration')
    const { isMigrated, migrateToLatest } = await import('../../src/db/migrate.ts')
    const db = await freshDatabase()
    try {
      const names = Object.keys(migrations)
      expect(await isMigrated(db)).toBe(false)
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
      expect((await migrator.migrateTo(names[names.length - 3] as string)).error).toBeUndefined()
      expect(await isMigrated(db)).toBe(false)
      expect(await migrateToLatest(db)).toEqual(names.slice(-2))
      expect(await isMigrated(db)).toBe(true)
      expect(await migrateToLatest(db)).toEqual([])
      // A newer release's migration, then this code started again (a rollback): said, not skipped.
      await db.insertInto('kysely_migration').values({ name: '29991231_2359_from_the_future', timestamp: new Date().toISOString() }).execute()
      await expect(migrateToLatest(db)).rejects.toThrow('Migration failed')
    } finally {
      await db.destroy()
    }
  })
})
