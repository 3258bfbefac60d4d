import pg from 'pg'

/**
 * A database of its own on the Postgres server, copied from the migrated template, for tests
 * that start whole servers (their own processes) on it. `drop` forces out connections that
 * are still there after five seconds.
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
    // Waits a moment for closing connections to go before forcing: a connection forced out while
    // its client is still ending gets a fatal error that nobody is listening for any more.
    drop: async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`drop database if exists ${name}${attempt >= 50 ? ' with (force)' : ''}`)
          break
        } catch (error) {
          if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      await admin.end()
    },
  }
}
