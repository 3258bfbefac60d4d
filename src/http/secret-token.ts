import { sha256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'

// Lucia's token shape: "<id>.<secret>" in a 32-letter alphabet without look-alikes: a
// 24-letter id (120 bits) finds the row, and a 32-letter secret (160 bits, above ASVS's 128
// even if ids leaked) proves it. Only SHA-256(secret) is stored and it is compared in constant
// time, so a leaked table or a timing probe reveals no usable token.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'
const ID_LENGTH = 24
const SECRET_LENGTH = 32

export function randomString(length = ID_LENGTH): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
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
  const id = randomString(ID_LENGTH)
  const secret = randomString(SECRET_LENGTH)
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) }
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret))
}

const TOKEN_SHAPE = /^([a-km-z2-9]{24})\.([a-km-z2-9]{32})$/

/** Splits a presented token, or undefined when it cannot be one of ours. */
export function parseSecretToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_SHAPE.exec(token)
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), new Uint8Array(storedHash))
}
