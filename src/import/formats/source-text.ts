import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { readChunks } from '../import-file.ts'
import { ImportFormatError, type ImportFile } from '../records.ts'

/** A gzipped file may unpack to at most this much: a few kilobytes can otherwise unpack to terabytes. */
export const MAX_DECODED_BYTES = 2 * 1024 ** 3

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
  let decoded = 0
  try {
    for await (const chunk of gunzip) {
      decoded += (chunk as Buffer).length
      if (decoded > MAX_DECODED_BYTES) throw new ImportFormatError('The gzip archive unpacks to more than 2 GiB: too large to import. Split the export, or check that it is the right file.')
      yield chunk as Buffer
    }
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

/**
 * The text's lines, without their line breaks. A line longer than `maxBytes` ends the file with
 * an ImportFormatError: no real record is that long, and holding it whole is what a crafted
 * file would want.
 */
export async function* readLines(chunks: AsyncIterable<Buffer>, maxBytes: number, format: string): AsyncGenerator<string> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  const decoder = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8').replace(/\r$/, '')
  for await (const chunk of chunks) {
    let start = 0
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, end))
      yield decoder(pending)
      pending = []
      pendingBytes = 0
      start = end + 1
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start))
      pendingBytes += chunk.length - start
      if (pendingBytes > maxBytes) throw new ImportFormatError(`A line of this file is longer than ${maxBytes / 1024 ** 2} MiB: it is not ${format}, or it is damaged.`)
    }
  }
  if (pendingBytes > 0) yield decoder(pending)
}
