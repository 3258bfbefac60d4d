/**
 * Why Engawa could not start on its database, as the one line an operator reads: what is wrong
 * and what to do. Undefined for an error this does not recognise (printed as it is).
 */
export function explainDatabaseError(error: unknown, databaseUrl: string | undefined): string | undefined {
  const url = databaseUrl && URL.canParse(databaseUrl) ? new URL(databaseUrl) : undefined
  const where = url ? `${url.hostname || 'the local socket'}${url.port ? `:${url.port}` : ''}` : 'the database server'
  const user = url?.username ? decodeURIComponent(url.username) : 'the user'
  const database = url?.pathname.slice(1) ? decodeURIComponent(url.pathname.slice(1)) : 'the database'
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code
    switch (code) {
      case 'ECONNREFUSED':
        return `Nothing answers at ${where} (connection refused): start Postgres there, or correct the host and port in DATABASE_URL.`
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `The database host "${url?.hostname}" is not known: correct the host in DATABASE_URL.`
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `${where} cannot be reached (${code}): check the host in DATABASE_URL and the network or firewall between them.`
      case '28P01':
        return `Postgres at ${where} refused the password for user "${user}": correct the password in DATABASE_URL.`
      case '28000':
        return `Postgres at ${where} does not let user "${user}" in (${e.message}): correct the user in DATABASE_URL, or allow it in pg_hba.conf.`
      case '3D000':
        return `There is no database "${database}" at ${where}: create it (createdb ${database}) or correct its name in DATABASE_URL.`
      case '57P03':
        return `Postgres at ${where} is starting up or recovering: start Engawa again in a moment.`
      case '53300':
        return `Postgres at ${where} has no free connections: raise max_connections, or lower DATABASE_POOL_SIZE.`
    }
    if (e instanceof AggregateError) {
      const inner = e.errors.map((x) => explainDatabaseError(x, databaseUrl)).find(Boolean)
      if (inner) return inner
    }
    if (/timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(e.message))
      return `${where} did not answer in time: check the host and port in DATABASE_URL and the network between them.`
  }
  return undefined
}
