import { sql, type Kysely } from 'kysely'

// Imports of other services' exports.
// - imports: one row per run (from the dashboard, the API or the CLI): its state, progress and
//   summary, so any instance can answer "how far along is it" and the dashboard can list them.
// - import_items: the file's records, staged as they stream, so the writer never holds a whole
//   file in memory and can build each thread once all of its comments (in any order) are in.
//   Emptied when the run ends; worthless after a crash (a run is repeated, not resumed from
//   here), so it skips the write-ahead log.
// - import_sources: which comment or thread each source record became, per site and format:
//   importing the same file again finds every record already here and adds nothing.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('file_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'done', 'failed')`))
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo('reading'))
    .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('threads_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('threads_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('summary', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('imports_pkey', ['site_id', 'id'])
    .execute()
  await db.schema.createIndex('imports_site_time_idx').on('imports').columns(['site_id', 'created_at']).execute()

  await sql`
    create unlogged table import_items (
      site_id text not null,
      import_id uuid not null,
      n integer not null,
      kind text not null check (kind in ('thread', 'comment')),
      source_id text not null,
      thread_source_id text not null,
      parent_source_id text,
      data jsonb not null,
      primary key (site_id, import_id, n)
    )`.execute(db)
  // One record per source id (the first wins); a thread's comments in file order.
  await sql`create unique index import_items_source_idx on import_items (site_id, import_id, kind, source_id)`.execute(db)
  await sql`create index import_items_thread_idx on import_items (site_id, import_id, thread_source_id, kind, n)`.execute(db)

  await db.schema
    .createTable('import_sources')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('thread', 'comment')`))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_sources_pkey', ['site_id', 'format', 'kind', 'source_id'])
    .execute()
}
