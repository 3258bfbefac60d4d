import pg from 'pg'

/**
 * A database of its own on the Postgres server, copied from the migrated template, for tests
 * that start whole servers (their own processes) on it. `drop` forces their connections out.
 */
export async function copyTemplateDatabase(postgres: { adminUrl: string; template: string }, prefix: string) {
  const name = `engawa_${prefix}_${process.pid}`
  const admin = new pg.Client({ connectionString: postgres.adminUrl })
  await admin.connect()
  await admin.query(`create database ${name} template ${postgres.template}`)
  const url = new URL(postgres.adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}
