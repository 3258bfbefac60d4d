import { sha256 } from '@oslojs/crypto/sha2'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { AppError } from '../http/errors.ts'

/** How long a post is remembered under its key: a retry comes within seconds, a reload within hours. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header): a Structured Field
 * string, so quoted, though most clients (Stripe's among them) send it bare; both are taken.
 * Undefined when absent; a value that cannot be a key is refused rather than ignored.
 */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const key = /^"(.*)"$/.exec(header.trim())?.[1] ?? header.trim()
  if (!/^[\x21-\x7e]{8,255}$/.test(key) || key.includes('"'))
    throw new AppError('invalid_request', 'Idempotency-Key must be 8 to 255 visible ASCII characters; a random UUID per submission is best.')
  return key
}

/** What one post under one key means to the database: its row, the request it stands for, the seal of its secrets. */
export interface IdempotentRequest {
  siteId: string
  keyHash: Uint8Array
  requestHash: Uint8Array
  sealKey: CryptoKey
}

/** What a replay returns besides the comment: the secrets the first answer carried. */
export interface PostSecrets {
  editToken?: string
  notify?: { state: 'on' | 'confirm' | 'wait'; key?: string }
}

const encoder = new TextEncoder()

/**
 * `request`: everything that makes two posts the same post (page, parent, text, author, mail
 * choice), as plain JSON. The row is found by one hash of the key and its secrets are sealed
 * under a key derived from it by HKDF, so the table alone gives no way to an edit token.
 */
export async function idempotentRequest(siteId: string, key: string, request: unknown): Promise<IdempotentRequest> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(key), 'HKDF', false, ['deriveKey'])
  const sealKey = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(siteId), info: encoder.encode('engawa idempotent post secrets') },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
  return {
    siteId,
    keyHash: sha256(encoder.encode(`engawa idempotency key\n${siteId}\n${key}`)),
    requestHash: sha256(encoder.encode(JSON.stringify(request))),
    sealKey,
  }
}

/**
 * The comment an earlier post under this key made, with its secrets; undefined when none was
 * made within the window. The same key with another request is a client's bug, refused with 422.
 */
export async function findRememberedPost(
  db: Kysely<Database>,
  request: IdempotentRequest,
  now: Date,
): Promise<{ commentId: string; secrets: PostSecrets } | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'comment_id', 'sealed_secrets'])
    .where('site_id', '=', request.siteId)
    .where('key_hash', '=', request.keyHash)
    .where('created_at', '>', new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS))
    .executeTakeFirst()
  if (!row) return undefined
  if (!sameBytes(row.request_hash, request.requestHash))
    throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for another comment; send a new key with each new comment.')
  return { commentId: row.comment_id, secrets: await unseal(request.sealKey, row.sealed_secrets) }
}

/** What the comment's insert claims (insert-comment.ts): the key's row, with the answer's secrets sealed. */
export interface IdempotencyClaim {
  keyHash: Uint8Array
  requestHash: Uint8Array
  sealedSecrets: Uint8Array
  /** A row made before this is past the window: it may be taken over. */
  expiredBefore: Date
}

export async function claimFor(request: IdempotentRequest, secrets: PostSecrets, now: Date): Promise<IdempotencyClaim> {
  return {
    keyHash: request.keyHash,
    requestHash: request.requestHash,
    sealedSecrets: await seal(request.sealKey, secrets),
    expiredBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
  }
}

/** The answer gained a secret after the insert (the mail key of an opt-in, in the same transaction): kept for a replay too. */
export async function resealPost(db: Kysely<Database>, request: IdempotentRequest, secrets: PostSecrets): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ sealed_secrets: await seal(request.sealKey, secrets) })
    .where('site_id', '=', request.siteId)
    .where('key_hash', '=', request.keyHash)
    .execute()
}

export async function deleteExpiredIdempotencyKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<=', new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)).executeTakeFirst()
  return Number(result.numDeletedRows)
}

async function seal(key: CryptoKey, secrets: PostSecrets): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(JSON.stringify(secrets))))
  const out = new Uint8Array(iv.length + sealed.length)
  out.set(iv)
  out.set(sealed, iv.length)
  return out
}

async function unseal(key: CryptoKey, sealed: Uint8Array): Promise<PostSecrets> {
  const bytes = new Uint8Array(sealed)
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12) }, key, bytes.subarray(12))
  return JSON.parse(new TextDecoder().decode(plain)) as PostSecrets
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
