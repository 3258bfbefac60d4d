import { encodeBase64urlNoPadding } from '@oslojs/encoding'
import { hashSecret, secretMatches } from '../http/secret-token.ts'

/** A guest's proof of authorship: 32 random bytes shown once; only its SHA-256 is stored. */
export function generateEditToken(): { token: string; hash: Uint8Array } {
  const token = encodeBase64urlNoPadding(crypto.getRandomValues(new Uint8Array(32)))
  return { token, hash: hashEditToken(token) }
}

export const hashEditToken = hashSecret

export function isEditTokenValid(token: string, storedHash: Uint8Array | null): boolean {
  return storedHash !== null && secretMatches(token, storedHash)
}
