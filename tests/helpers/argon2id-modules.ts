import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Argon2idModules } from '../../src/auth/argon2-wasm.ts'

// Under Node, the Argon2id binaries compiled from their files (Workers get them compiled at deploy).
const require = createRequire(import.meta.url)
const compile = (file: string) => new WebAssembly.Module(readFileSync(require.resolve(`argon2id/dist/${file}`)))
export const argon2idModules: Argon2idModules = { simd: compile('simd.wasm'), noSimd: compile('no-simd.wasm') }
