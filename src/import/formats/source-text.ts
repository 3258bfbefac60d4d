import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { readChunks } from '../import-file.ts'
import { ImportFormatError, type ImportFile } from '../records.ts'

/**
 * The file's bytes, gunzipped when they start with gzip's magic number: Remark42 writes its
 * backups gzipped and Comentario hands out gzipped exports, and owners upload them as they are.
 * Progress is reported on the bytes read from disk, so it stays in step with `file.size`.
 */
export async function* readDecoded(file: ImportFile): AsyncGenerator<Buffer> {
  const chunks = readChunks(file)[Symbol.asyncIterator]()
  const first = await chunks.next()
  if (first.done) return
  const all = (async function* () {
    yield first.value
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value
  })()
  if (first.value[0] !== 0x1f || first.value[1] !== 0x8b) return yield* all
  const gunzip = createGunzip()
  pipeline(Readable.from(all), gunzip, () => {})
  try {
    for await (const chunk of gunzip) yield chunk as Buffer
  } catch (error) {
    if (error instanceof ImportFormatError) throw error
    throw new ImportFormatError(`The gzip archive is damaged or cut short (${(error as Error).message}).`)
  }
}

/** What a file that is not the expected format seems to be, from its first bytes: for a message a person can act on. */
export function describeStart(head: Buffer): string {
  const text = head.subarray(0, 64).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart()
  if (text === '') return 'empty'
  if (text.startsWith('SQLite format 3')) return 'an SQLite database (Isso keeps its comments in one)'
  if (text.startsWith('<')) return 'an XML file (Disqus and WordPress exports are XML)'
  if (text.startsWith('{')) return 'a JSON object'
  if (text.startsWith('[')) return 'a JSON array (Artalk exports one)'
  if (head[0] === 0x1f && head[1] === 0x8b) return 'a gzip archive'
  return 'neither JSON nor XML'
}

/**
 * Passes the chunks through, checking before the first one that the text opens with one of
 * `opening` (after any byte-order mark and whitespace), so a file of another format fails
 * before any item is yielded, with a message that says what it looks like instead.
 */
export async function* expectOpening(chunks: AsyncIterable<Buffer>, opening: string, format: string): AsyncGenerator<Buffer> {
  let checked = false
  for await (const chunk of chunks) {
    if (!checked) {
      const text = chunk.toString('utf8').replace(/^\uFEFF/, '').trimStart()
      if (text === '') continue
      if (!opening.includes(text[0] ?? '')) {
        throw new ImportFormatError(`This is not ${format}: the file looks like ${describeStart(chunk)}. Check the file, or choose the format it was exported in.`)
      }
      checked = true
    }
    yield chunk
  }
  if (!checked) throw new ImportFormatError(`The file is empty; expected ${format}.`)
}
