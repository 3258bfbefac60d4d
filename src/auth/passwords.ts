// Passwords are hashed with Argon2id at OWASP's (ASVS 5.0 level 2) minimum: 19 MiB, 2 passes,
// 1 lane. The PHC string records the parameters, so raising them later only needs a rehash at
// the next sign-in. Node uses the native @node-rs/argon2, Workers openpgpjs' WebAssembly argon2id; each
// verifies the other's hashes (a test checks), so one database serves both.
export const ARGON2ID = { memoryKiB: 19_456, passes: 2, lanes: 1, hashBytes: 32 } as const

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/

/** True when a stored hash was made with weaker parameters than today's (or is not Argon2id). */
export function needsRehash(phc: string): boolean {
  const match = PHC.exec(phc)
  if (!match) return true
  const [m, t, p] = match.slice(1).map(Number) as [number, number, number]
  return m < ARGON2ID.memoryKiB || t < ARGON2ID.passes || p !== ARGON2ID.lanes
}

/** Passwords are compared as the same text however a keyboard composed it. */
export function normalizePassword(password: string): string {
  return password.normalize('NFC')
}
