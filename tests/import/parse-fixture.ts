import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll } from 'vitest'
import type { ImportedComment, ImportedThread, ImportItem, Importer } from '../../src/import/records.ts'

/** A committed fixture's path (`helpers.ts`'s `fixture` gives its bytes, for uploads). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/imports/${name}`, import.meta.url))
}

let tempDir: string | undefined
/** Writes bytes made by the test (a gzipped copy, an SQLite file) to a temp file, removed after the file's tests. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  tempDir ??= mkdtempSync(join(tmpdir(), 'engawa-import-'))
  const path = join(tempDir, name)
  writeFileSync(path, bytes)
  return path
}
afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true })
  tempDir = undefined
})

export interface Parsed {
  items: ImportItem[]
  threads: ImportedThread[]
  comments: ImportedComment[]
  skipped: Array<{ what: string; reason: string }>
  repaired: Array<{ what: string; reason: string }>
  /** The last progress report, in bytes. */
  progress: number
  /** What the importer threw, if it did. */
  error?: unknown
}

/** Runs an importer to its end (or its error), collecting what it yields. */
export async function parse(importer: Importer, path: string): Promise<Parsed> {
  const parsed: Parsed = { items: [], threads: [], comments: [], skipped: [], repaired: [], progress: 0 }
  try {
    for await (const item of importer({ path, size: statSync(path).size, onProgress: (read) => (parsed.progress = read) })) {
      parsed.items.push(item)
      if (item.kind === 'thread') parsed.threads.push(item.thread)
      else if (item.kind === 'comment') parsed.comments.push(item.comment)
      else parsed[item.kind].push({ what: item.what, reason: item.reason })
    }
  } catch (error) {
    parsed.error = error
  }
  return parsed
}

/** Every comment's thread was yielded before it. */
export function threadsComeFirst(items: ImportItem[]): boolean {
  const seen = new Set<string>()
  for (const item of items) {
    if (item.kind === 'thread') seen.add(item.thread.sourceId)
    if (item.kind === 'comment' && !seen.has(item.comment.threadSourceId)) return false
  }
  return true
}
