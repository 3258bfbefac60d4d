import { describe, expect, it } from 'vitest'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import { wasmPasswordHasher as makeWasmHasher } from '../../src/auth/argon2-wasm.ts'
import { ARGON2ID, needsRehash } from '../../src/auth/passwords.ts'
import { argon2idModules } from '../helpers/argon2id-modules.ts'

const wasmPasswordHasher = makeWasmHasher(argon2idModules)

describe('password hashing', () => {
  it('records Argon2id at 19 MiB, 2 passes, 1 lane in the hash itself', async () => {
    for (const hasher of [nodePasswordHasher, wasmPasswordHasher]) {
      const phc = await hasher.hash('correct horse battery staple')
      expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
      expect(needsRehash(phc)).toBe(false)
    }
    expect(ARGON2ID).toMatchObject({ memoryKiB: 19_456, passes: 2, lanes: 1 })
  })

  it("verifies the other runtime's hashes, so Node and Workers share one database", async () => {
    const fromNode = await nodePasswordHasher.hash('東京の空は青い')
    const fromWasm = await wasmPasswordHasher.hash('東京の空は青い')
    expect(await wasmPasswordHasher.verify(fromNode, '東京の空は青い')).toBe(true)
    expect(await nodePasswordHasher.verify(fromWasm, '東京の空は青い')).toBe(true)
    expect(await nodePasswordHasher.verify(fromWasm, '東京の空は青く')).toBe(false)
    expect(await wasmPasswordHasher.verify(fromNode, '東京の空は青く')).toBe(false)
    // An older hash with other parameters still verifies (and is rehashed at that sign-in).
    const { hash } = await import('@node-rs/argon2')
    const old = await hash('an old password', { memoryCost: 4096, timeCost: 3, parallelism: 1, algorithm: 2 })
    expect(needsRehash(old)).toBe(true)
    expect(await wasmPasswordHasher.verify(old, 'an old password')).toBe(true)
  })

  it('treats a password typed composed or decomposed as the same, and salts every hash', async () => {
    const composed = 'caf\u00e9 au lait'
    const decomposed = 'cafe\u0301 au lait'
    const phc = await nodePasswordHasher.hash(composed)
    expect(await nodePasswordHasher.verify(phc, decomposed)).toBe(true)
    expect(await nodePasswordHasher.hash(composed)).not.toBe(phc)
    const wasm = await wasmPasswordHasher.hash(decomposed)
    expect(await wasmPasswordHasher.verify(wasm, composed)).toBe(true)
    expect(await nodePasswordHasher.verify(wasm, composed)).toBe(true)
  })

  it('asks for a rehash of weaker or foreign hashes, and rejects garbage without throwing', async () => {
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true)
    expect(needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true)
    expect(needsRehash('$2b$12$abcdefghijklmnopqrstuv')).toBe(true)
    expect(await nodePasswordHasher.verify('not a hash', 'x')).toBe(false)
    expect(await wasmPasswordHasher.verify('not a hash', 'x')).toBe(false)
    expect(await wasmPasswordHasher.verify('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', 'x')).toBe(false)
    expect(await wasmPasswordHasher.verify('$argon2id$v=19$m=19456,t=2$c2FsdHNhbHQ$aGFzaGhhc2g', 'x')).toBe(false)
  })
})
