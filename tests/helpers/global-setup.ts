import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { chosenBackends } from './backends.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
    postgres: { adminUrl: string; template: string } | { unavailable: string }
  }
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * Migrates once per run into templates: a PGlite data dump, and a Postgres template database
 * that each test file clones (CREATE DATABASE … TEMPLATE), so a fresh database costs well under a second.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'engawa-test-'))
  const dumpFile = join(dir, 'pglite-template.tar.gz')
  const lite = await PGlite.create()
  await migrateToLatest(new Kysely({ dialect: new PGliteDialect(lite) }))
  const dump = await lite.dumpDataDir('gzip')
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()))
  await lite.close()
  project.provide('pgliteTemplate', dumpFile)

  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL
  if (!chosenBackends().includes('postgres')) {
    project.provide('postgres', { unavailable: 'not chosen (TEST_BACKENDS)' })
    return () => rmSync(dir, { recursive: true, force: true })
  }
  const template = `engawa_template_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  let postgres: ProvidedContext['postgres']
  try {
    await admin.connect()
    await admin.query(`drop database if exists ${template}`)
    await admin.query(`create database ${template}`)
    const url = new URL(adminUrl)
    url.pathname = `/${template}`
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 1 }) }) })
    await migrateToLatest(db)
    await sql`select 1`.execute(db)
    await db.destroy()
    postgres = { adminUrl, template }
  } catch (error) {
    postgres = { unavailable: `${adminUrl}: ${(error as Error).message}` }
  }
  project.provide('postgres', postgres)

  return async () => {
    rmSync(dir, { recursive: true, force: true })
    if ('template' in postgres) await admin.query(`drop database if exists ${template} with (force)`)
    await admin.end().catch(() => undefined)
  }
}
type ProvidedContext = import('vitest').ProvidedContext
