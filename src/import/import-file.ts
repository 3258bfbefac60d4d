import { createReadStream } from 'node:fs'
import type { ImportFile } from './records.ts'

/** The file's bytes in chunks, reporting progress as they are read. */
export async function* readChunks(file: ImportFile): AsyncIterable<Buffer> {
  let read = 0
  for await (const chunk of createReadStream(file.path, { highWaterMark: 256 * 1024 })) {
    read += (chunk as Buffer).length
    file.onProgress?.(read)
    yield chunk as Buffer
  }
}
