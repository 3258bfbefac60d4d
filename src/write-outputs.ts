import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes a build's files each beside its place then renames it there, so a server serving
 * public/ (or a test reading it) while a build runs sees the old file or the new, never half.
 */
export async function writeOutputs(files: ReadonlyArray<{ path: string; contents: Uint8Array }>): Promise<void> {
  await Promise.all(
    files.map(async (file) => {
      await mkdir(dirname(file.path), { recursive: true })
      const partial = `${file.path}.${process.pid}.partial`
      await writeFile(partial, file.contents)
      await rename(partial, file.path)
    }),
  )
}
