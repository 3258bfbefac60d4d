// How the schema spreads over a Citus cluster (a distributed Postgres), past one server:
// every table with a `site_id NOT NULL` column is distributed by it, all co-located, so a
// site's threads, comments, votes and the rest live on one node and join there; the tables
// below are small, or are read without a site, and are copied to every node as reference
// tables. tests/db/distribution.test.ts holds the migrated schema to this, and the README's
// operations section gives the commands.

export const REFERENCE_TABLES = [
  // Sites themselves and who runs them: few rows, read on every request (an account's roles on
  // every site at once), joined from every distributed table.
  'sites', 'site_members', 'site_deletions', 'site_invitations',
  // Accounts and what signs them in, which no one site owns.
  'users', 'sessions', 'oauth_identities', 'oauth_attempts', 'email_tokens', 'setup_secrets', 'api_tokens',
  // Instance-wide: rate limits, the mail queue, the migrations' own bookkeeping.
  'rate_limits', 'outbox_mails', 'kysely_migration', 'kysely_migration_lock',
] as const

/** The column every other table is distributed by. */
export const DISTRIBUTION_COLUMN = 'site_id'
