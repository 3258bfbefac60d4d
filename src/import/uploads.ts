import type { Importer } from './records.ts'

/** An uploaded export, in a temporary file until its import ends. */
export interface StoredUpload {
  path: string
  size: number
  remove(): Promise<void>
}

/**
 * What imports from the API need of the runtime: the parsers (they read files) and a place
 * for uploads. Node provides it (src/import/temp-uploads.ts); Workers, which have neither a
 * disk nor time for a long import, do not, and there imports go through the CLI.
 */
export interface ImportUploads {
  importers: Readonly<Record<string, Importer>>
  /** Streams a request body to a temporary file; past `maxBytes` it stops, removes the file and refuses with 413. */
  receive(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<StoredUpload>
  /** Keeps a background import in view, so a test or a shutdown can wait for it. */
  track(run: Promise<unknown>): void
  /** Resolves once every tracked import has ended. */
  idle(): Promise<void>
}
