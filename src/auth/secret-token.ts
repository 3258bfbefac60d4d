import { sha256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'

// Lucia's token shape: "<id>.<secret>", each 24 characters of a 32-letter alphabet without
// look-alikes, so 120 bits apiece. The id finds the row; only SHA-256(secret) is stored and it
// is compared in constant time, so a leaked table or a timing probe reveals no usable token.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'

export function randomString(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte >> 3]
  return out
}

export interface SecretToken {
  id: string
  secret: string
  token: string
  secretHash: Uint8Array
}

export function newSecretToken(): SecretToken {
  const id = randomString()
  const secret = randomString()
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) }
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret))
}

const TOKEN_SHAPE = /^([a-km-z2-9]{24})\.([a-km-z2-9]{24})$/

/** Splits a presented token, or undefined when it cannot be one of ours. */
export function parseSecretToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_SHAPE.exec(token)
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), new Uint8Array(storedHash))
}
