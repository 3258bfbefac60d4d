import type { ImportFile } from '../records.ts'

/**
 * The same file read twice, each read reporting half of the progress: for exports that list
 * authors after the comments that name them (Commento, Waline), where a first read collects the
 * authors (few) so the second can stream the comments (many) in bounded memory.
 */
export function twoPasses(file: ImportFile): [ImportFile, ImportFile] {
  const report = file.onProgress
  if (!report) return [file, file]
  return [
    { ...file, onProgress: (read) => report(Math.floor(read / 2)) },
    { ...file, onProgress: (read) => report(Math.floor(file.size / 2 + read / 2)) },
  ]
}
