import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

/**
 * Writes an export for the CLI: to standard output, or to a file that appears only once whole
 * (written beside it as FILE.partial, then renamed), so a failed export never looks finished.
 */
export async function writeOut(chunks: AsyncIterable<string>, path: string | undefined): Promise<void> {
  if (path === undefined) {
    for await (const chunk of chunks) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain')
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
