import { argon2id, argon2Verify } from 'hash-wasm'
import type { PasswordHasher } from '../deps.ts'
import { ARGON2ID, normalizePassword } from './passwords.ts'

/** Argon2id in WebAssembly, for runtimes without native addons (Workers). */
export const wasmPasswordHasher: PasswordHasher = {
  hash: (password) =>
    argon2id({
      password: normalizePassword(password),
      salt: crypto.getRandomValues(new Uint8Array(16)),
      iterations: ARGON2ID.passes,
      parallelism: ARGON2ID.lanes,
      memorySize: ARGON2ID.memoryKiB,
      hashLength: ARGON2ID.hashBytes,
      outputType: 'encoded',
    }),
  verify: async (phc, password) => {
    try {
      return await argon2Verify({ password: normalizePassword(password), hash: phc })
    } catch {
      return false
    }
  },
}
