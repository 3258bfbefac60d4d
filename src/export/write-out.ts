import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

/**
 * Writes an export for the CLI: to its standard output (`out`, which resolves once the text is
 * taken), or to a file that appears only once whole (written beside it as FILE.partial, then
 * renamed), so a failed export never looks finished.
 */
export async function writeOut(chunks: AsyncIterable<string>, path: string | undefined, out: (text: string) => Promise<void>): Promise<void> {
  if (path === undefined) {
    for await (const chunk of chunks) await out(chunk)
    return
  }
  const partial = `${path}.partial`
  try {
    await pipeline(chunks, createWriteStream(partial))
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  await rename(partial, path)
}
