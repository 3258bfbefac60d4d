import type { Kysely } from 'kysely'
import type { Database, SiteRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { parseAllowedOrigin } from '../http/origins.ts'
import { DEFAULT_SETTINGS, SiteSettings, settingsToColumns } from './settings.ts'

export type NewSite = { name: string; origins: string[]; /** A chosen id (the demo's); otherwise a random one. */ id?: string } & Partial<
  Omit<SiteSettings, 'name'>
>

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789' // no 0/o, 1/l: ids get read aloud and typed

/** A short public id: 10 characters of a 32-letter alphabet, 50 bits. */
export function generateSiteId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  return Array.from(bytes, (b) => ID_ALPHABET[b % 32]).join('')
}

export async function createSite(db: Kysely<Database>, input: NewSite): Promise<SiteRow> {
  const { name, origins, id, ...rest } = input
  if (origins.length === 0)
    throw new AppError('invalid_request', 'A site needs at least one allowed origin, such as https://blog.example.')
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined))
  const parsed = SiteSettings.safeParse({ ...DEFAULT_SETTINGS, ...given, name })
  if (!parsed.success) {
    const problem = parsed.error.issues[0]
    throw new AppError('invalid_request', `Site setting ${problem?.path.join('.')}: ${problem?.message}.`)
  }
  return db
    .insertInto('sites')
    .values({
      ...settingsToColumns(parsed.data),
      id: id ?? generateSiteId(),
      name: parsed.data.name,
      allowed_origins: [...new Set(origins.map(parseAllowedOrigin))],
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findSite(db: Kysely<Database>, id: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function getSite(db: Kysely<Database>, id: string): Promise<SiteRow> {
  const site = await findSite(db, id)
  if (!site) throw new AppError('site_not_found', `There is no site with id "${id}". Check data-site in the embed code.`)
  return site
}

export async function listSites(db: Kysely<Database>): Promise<SiteRow[]> {
  return db.selectFrom('sites').selectAll().orderBy('created_at').orderBy('id').execute()
}

export function embedSnippet(publicUrl: string, siteId: string): string {
  return `<div id="engawa"></div>\n<script src="${publicUrl}/embed.js" data-site="${siteId}" async></script>`
}
