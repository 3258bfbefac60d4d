import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { DISTRIBUTION_COLUMN, REFERENCE_TABLES } from '../../src/db/distribution.ts'
import { forEachBackend } from '../helpers/backends.ts'

// The promise that the schema can be distributed by site with Citus without rework, read from
// the migrated schema itself: a new table, key or foreign key that breaks it fails here.

interface Table {
  name: string
  /** site_id, and whether it may be null. */
  site: 'none' | 'nullable' | 'required'
  primaryKey: string[]
  /** Unique constraints and unique indexes, but the primary key. */
  uniques: Array<{ name: string; columns: string[] }>
  foreignKeys: Array<{ name: string; columns: string[]; references: string; referencedColumns: string[] }>
}

forEachBackend((database) => {
  async function readSchema(): Promise<Table[]> {
    const db = database().db
    const columns = await sql<{ table: string; column: string; nullable: boolean }>`
      select c.relname as table, a.attname as column, not a.attnotnull as nullable
      from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`.execute(db)
    const indexes = await sql<{ table: string; name: string; primary: boolean; columns: string[] }>`
      select c.relname as table, i.relname as name, x.indisprimary as primary,
        array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.n)::text[] as columns
      from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and x.indisunique`.execute(db)
    const keys = await sql<{ table: string; name: string; columns: string[]; references: string; referenced_columns: string[] }>`
      select c.relname as table, k.conname as name, f.relname as references,
        array(select a.attname from unnest(k.conkey) with ordinality u(attnum, n) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.n)::text[] as columns,
        array(select a.attname from unnest(k.confkey) with ordinality u(attnum, n) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.n)::text[] as referenced_columns
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class f on f.oid = k.confrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and k.contype = 'f'`.execute(db)
    const names = [...new Set(columns.rows.map((c) => c.table))].sort()
    return names.map((name) => {
      const site = columns.rows.find((c) => c.table === name && c.column === DISTRIBUTION_COLUMN)
      const unique = indexes.rows.filter((i) => i.table === name)
      return {
        name,
        site: !site ? 'none' : site.nullable ? 'nullable' : 'required',
        primaryKey: unique.find((i) => i.primary)?.columns ?? [],
        uniques: unique.filter((i) => !i.primary).map(({ name: index, columns: cols }) => ({ name: index, columns: cols })),
        foreignKeys: keys.rows.filter((k) => k.table === name).map((k) => ({ name: k.name, columns: k.columns, references: k.references, referencedColumns: k.referenced_columns })),
      }
    })
  }

  const isReference = (name: string) => (REFERENCE_TABLES as readonly string[]).includes(name)

  describe('the schema, distributed by site', () => {
    it('has every table either distributed by site_id (which it requires) or on the list of reference tables', async () => {
      const tables = await readSchema()
      const unplaced = tables.filter((t) => !isReference(t.name) && t.site !== 'required').map((t) => `${t.name} (site_id ${t.site})`)
      expect(unplaced).toEqual([])
      // The list names only tables that exist: a dropped one leaves it.
      expect(REFERENCE_TABLES.filter((name) => !tables.some((t) => t.name === name))).toEqual([])
      expect(tables.filter((t) => !isReference(t.name)).length).toBeGreaterThan(20)
    })

    it("has site_id in every distributed table's primary key and unique keys", async () => {
      const broken: string[] = []
      for (const t of (await readSchema()).filter((t) => !isReference(t.name))) {
        if (!t.primaryKey.includes(DISTRIBUTION_COLUMN)) broken.push(`${t.name}: primary key (${t.primaryKey.join(', ')})`)
        for (const u of t.uniques) if (!u.columns.includes(DISTRIBUTION_COLUMN)) broken.push(`${t.name}: unique ${u.name} (${u.columns.join(', ')})`)
      }
      expect(broken).toEqual([])
    })

    it('joins distributed tables only on site_id, and points reference tables only at reference tables', async () => {
      const broken: string[] = []
      for (const t of await readSchema()) {
        for (const fk of t.foreignKeys) {
          const from = isReference(t.name) ? 'reference' : 'distributed'
          const to = isReference(fk.references) ? 'reference' : 'distributed'
          if (from === 'reference' && to === 'distributed') broken.push(`${t.name}.${fk.name}: a reference table pointing at ${fk.references}`)
          // Between distributed tables, site_id must meet site_id: the rows are then on one node.
          const siteAt = fk.columns.indexOf(DISTRIBUTION_COLUMN)
          if (from === 'distributed' && to === 'distributed' && (siteAt < 0 || fk.referencedColumns[siteAt] !== DISTRIBUTION_COLUMN))
            broken.push(`${t.name}.${fk.name} (${fk.columns.join(', ')}) -> ${fk.references} (${fk.referencedColumns.join(', ')})`)
        }
      }
      expect(broken).toEqual([])
    })

    it("gives in the README the Citus commands for every table, each distributed table after those it points at", async () => {
      const readme = readFileSync('README.md', 'utf8')
      const block = /-- Copied to every node[\s\S]*?```/.exec(readme)?.[0] ?? ''
      const listed = (from: RegExp) => [...(from.exec(block)?.[1] ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1] as string)
      const reference = listed(/create_reference_table\(t\) FROM unnest\(array\[([^\]]*)\]/)
      const distributed = ['threads', ...listed(/colocate_with => 'threads'\) FROM unnest\(array\[([^\]]*)\]/)]
      const tables = await readSchema()
      expect([...reference].sort()).toEqual([...REFERENCE_TABLES].sort())
      expect([...distributed].sort()).toEqual(tables.filter((t) => !isReference(t.name)).map((t) => t.name).sort())
      for (const t of tables.filter((t) => !isReference(t.name)))
        for (const fk of t.foreignKeys.filter((k) => !isReference(k.references) && k.references !== t.name))
          expect(distributed.indexOf(fk.references), `${t.name} points at ${fk.references}`).toBeLessThan(distributed.indexOf(t.name))
    })
  })
})
