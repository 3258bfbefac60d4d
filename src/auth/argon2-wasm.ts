import { deserialize, serialize } from '@phc/format'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import setupArgon2id from 'argon2id/lib/setup.js'
import type { PasswordHasher } from '../deps.ts'
import { ARGON2ID, normalizePassword } from './passwords.ts'

/** openpgpjs' Argon2id binaries, compiled ahead: with and without SIMD. */
export interface Argon2idModules {
  simd: WebAssembly.Module
  noSimd: WebAssembly.Module
}

/**
 * Argon2id in WebAssembly, for runtimes without native addons (Workers). Workers refuse to
 * compile WebAssembly from bytes at run time; they hand over modules compiled at deploy time
 * (`import simd from 'argon2id/dist/simd.wasm'`), which this instantiates once per isolate.
 */
export function wasmPasswordHasher(modules: Argon2idModules): PasswordHasher {
  let compute: ReturnType<typeof setupArgon2id> | undefined
  const argon2id = async (password: string, salt: Uint8Array, params: { m: number; t: number; p: number }, tagLength: number) => {
    compute ??= setupArgon2id(
      async (imports) => ({ module: modules.simd, instance: await WebAssembly.instantiate(modules.simd, imports) }),
      async (imports) => ({ module: modules.noSimd, instance: await WebAssembly.instantiate(modules.noSimd, imports) }),
    )
    return (await compute)({ password: new TextEncoder().encode(normalizePassword(password)), salt, memorySize: params.m, passes: params.t, parallelism: params.p, tagLength })
  }
  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(16))
      const params = { m: ARGON2ID.memoryKiB, t: ARGON2ID.passes, p: ARGON2ID.lanes }
      const hash = await argon2id(password, salt, params, ARGON2ID.hashBytes)
      return serialize({ id: 'argon2id', version: 19, params, salt: Buffer.from(salt), hash: Buffer.from(hash) })
    },
    async verify(phc, password) {
      let parsed: ReturnType<typeof deserialize>
      try {
        parsed = deserialize(phc)
      } catch {
        return false
      }
      const { m, t, p } = parsed.params ?? {}
      if (parsed.id !== 'argon2id' || parsed.version !== 19 || !parsed.salt || !parsed.hash) return false
      if (typeof m !== 'number' || typeof t !== 'number' || typeof p !== 'number') return false
      const computed = await argon2id(password, parsed.salt, { m, t, p }, parsed.hash.length)
      return constantTimeEqual(computed, parsed.hash)
    },
  }
}
