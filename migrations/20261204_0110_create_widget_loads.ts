import type { Kysely } from 'kysely'

// The install check: how often the widget asked for a thread, per day, page origin and page,
// and whether the site allowed that origin. Counts only; nothing about the reader.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('widget_loads')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('page', 'text', (c) => c.notNull())
    .addColumn('allowed', 'boolean', (c) => c.notNull())
    .addColumn('loads', 'integer', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('widget_loads_pkey', ['site_id', 'day', 'origin', 'page'])
    .execute()
}
