import type { Kysely } from 'kysely'

// The operator acts from the command line, with no account: the audit log names them as such
// instead of leaving the actor blank, which reads as an account since removed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('moderation_actions')
    .addColumn('by_operator', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
}
