import type { Kysely } from 'kysely'
import type { Database, GuestPolicy, SiteRow } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'
import { parseAllowedOrigin } from './origins.ts'
import { DEFAULT_SETTINGS, MAX_COMMENT_LENGTH_LIMIT } from './settings.ts'

export interface NewSite {
  name: string
  origins: string[]
  guestPolicy?: GuestPolicy
  editWindowSeconds?: number
  maxCommentLength?: number
  /** A chosen id (the demo's); otherwise a random one. */
  id?: string
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789' // no 0/o, 1/l: ids get read aloud and typed

/** A short public id: 10 characters of a 32-letter alphabet, 50 bits. */
export function generateSiteId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  return Array.from(bytes, (b) => ID_ALPHABET[b % 32]).join('')
}

export async function createSite(db: Kysely<Database>, input: NewSite): Promise<SiteRow> {
  const name = input.name.trim()
  if (!name || name.length > 100) throw new AppError('invalid_request', 'A site needs a name of 1 to 100 characters.')
  if (input.origins.length === 0)
    throw new AppError('invalid_request', 'A site needs at least one allowed origin, such as https://blog.example.')
  const origins = [...new Set(input.origins.map(parseAllowedOrigin))]
  const maxLength = input.maxCommentLength ?? DEFAULT_SETTINGS.maxCommentLength
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_COMMENT_LENGTH_LIMIT)
    throw new AppError('invalid_request', `The maximum comment length must be 1 to ${MAX_COMMENT_LENGTH_LIMIT} characters.`)
  const editWindow = input.editWindowSeconds ?? DEFAULT_SETTINGS.editWindowSeconds
  if (!Number.isInteger(editWindow) || editWindow < 0)
    throw new AppError('invalid_request', 'The edit window must be a whole number of seconds, 0 or more.')
  return db
    .insertInto('sites')
    .values({
      id: input.id ?? generateSiteId(),
      name,
      allowed_origins: origins,
      guest_policy: input.guestPolicy ?? DEFAULT_SETTINGS.guestPolicy,
      edit_window_seconds: editWindow,
      max_comment_length: maxLength,
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
