import type { Kysely } from 'kysely'

// A sign-up link opened in the browser that signed up needs no password again: that browser holds
// a cookie whose secret's hash the link's row keeps. Opened elsewhere, the password is still asked,
// so a stranger who signs up with someone's address cannot plant a password they know.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_tokens').addColumn('browser_hash', 'bytea').execute()
}
