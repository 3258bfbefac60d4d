import pg from 'pg'
import { expect, it, type ProvidedContext } from 'vitest'

/**
 * A database of its own on the Postgres server, copied from the migrated template: each test
 * file's, and those of tests that start whole servers (their own processes) on it. `drop`
 * forces out connections that are still there after five seconds.
 */
export async function copyTemplateDatabase(postgres: { adminUrl: string; template: string }, prefix: string) {
  const name = `engawa_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: postgres.adminUrl })
  await admin.connect()
  await admin.query(`create database ${name} template ${postgres.template}`)
  const url = new URL(postgres.adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: async () => {
      await dropWhenIdle(admin, name)
      await admin.end()
    },
  }
}

/**
 * Drops a database once our own closing connections have gone; forced only after five seconds.
 * A connection forced out while its client is still ending gets a fatal error that nobody is
 * listening for any more: an unhandled error in the test run.
 */
export async function dropWhenIdle(admin: pg.Client, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`drop database if exists ${name}${attempt >= 50 ? ' with (force)' : ''}`)
      return
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/**
 * Inside a describe: whether the Postgres server is there. When it is not, registers the reason,
 * a failure under CI=true (never a quiet skip there) and a skip elsewhere.
 */
export function hasPostgres(postgres: ProvidedContext['postgres']): postgres is { adminUrl: string; template: string } {
  if (!('unavailable' in postgres)) return true
  if (process.env.CI === 'true') it('needs the Postgres server', () => expect.fail(`Postgres is required under CI=true: ${postgres.unavailable}`))
  else it.skip(`skipped: no Postgres server (${postgres.unavailable})`, () => {})
  return false
}
