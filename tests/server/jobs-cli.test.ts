import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { Database } from '../../src/db/schema.ts'
import { enqueueMail } from '../../src/mail/outbox.ts'
import { runEntry } from '../helpers/processes.ts'
import { copyTemplateDatabase, hasPostgres } from '../helpers/server-database.ts'

// `engawa jobs run`, as a cron runs it where no server process does the background work.
const postgres = inject('postgres')
const closers: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const close of closers.reverse()) await close()
})

describe('engawa jobs run', () => {
  if (!hasPostgres(postgres)) return

  it('does each part whatever became of the others, and exits 1 naming what failed', { timeout: 90_000 }, async () => {
    const copy = await copyTemplateDatabase(postgres, 'jobscli')
    closers.push(copy.drop)
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 1 }) }) })
    closers.push(() => db.destroy())
    await enqueueMail(db, { to: 'aki@mail.example', subject: 'Waiting', text: 'Sent by the cron.' }, new Date())
    // The digests' table gone from under one step of maintenance.
    await sql`alter table notify_events rename to notify_events_away`.execute(db)
    const run = await runEntry('src/cli.ts', ['jobs', 'run'], { DATABASE_URL: copy.url })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('Mail: 1 sent, 0 to retry, 0 given up.')
    expect(run.stderr).toMatch(/Failed: maintenance notificationMails \([^)]*notify_events/)
    expect(run.stderr).not.toContain('    at ')
    expect((await db.selectFrom('outbox_mails').select('sent_at').executeTakeFirstOrThrow()).sent_at).not.toBeNull()

    await sql`alter table notify_events_away rename to notify_events`.execute(db)
    const again = await runEntry('src/cli.ts', ['jobs', 'run'], { DATABASE_URL: copy.url })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Mail: 0 sent, 0 to retry, 0 given up.')
  })
})
