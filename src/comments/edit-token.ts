import { sha256 } from '@oslojs/crypto/sha2'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { encodeBase64urlNoPadding } from '@oslojs/encoding'

/** A guest's proof of authorship: 32 random bytes shown once; only its SHA-256 is stored. */
export function generateEditToken(): { token: string; hash: Uint8Array } {
  const token = encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(32)))
  return { token, hash: hashEditToken(token) }
}

export function hashEditToken(token: string): Uint8Array {
  return sha256(new TextEncoder().encode(token))
}

export function isEditTokenValid(token: string, storedHash: Uint8Array | null): boolean {
  if (!storedHash) return false
  return constantTimeEqual(hashEditToken(token), new Uint8Array(storedHash))
}
