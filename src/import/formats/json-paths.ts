import { Readable, pipeline } from 'node:stream'
import JSONParser from '@streamparser/json-node/jsonparser.js'
import { ImportFormatError } from '../records.ts'

export interface JsonMatch {
  /** Where the value sits: its containers' keys from the root, joined by dots (`data.Comment`, `` for a root member). */
  parent: string
  key: string | number | undefined
  value: unknown
}

/**
 * The values at `paths` (the parser's JSONPath subset: `$.comments.*`), one at a time: each is
 * dropped from its array once emitted, so a file of any size is parsed in bounded memory. Bad JSON
 * becomes an ImportFormatError naming the problem; errors from the source pass through as they are.
 */
export async function* readJsonPaths(chunks: AsyncIterable<Buffer>, paths: string[], format: string): AsyncGenerator<JsonMatch> {
  const parser = new JSONParser({ paths, keepStack: false })
  pipeline(Readable.from(chunks), parser, () => {})
  try {
    for await (const info of parser as AsyncIterable<{ value: unknown; key?: string | number; stack: { key?: string | number }[] }>) {
      yield { parent: info.stack.slice(1).map((s) => String(s.key)).join('.'), key: info.key, value: info.value }
    }
  } catch (error) {
    if (error instanceof ImportFormatError) throw error
    throw new ImportFormatError(`The file is not valid JSON, so it cannot be ${format} (${(error as Error).message.replace(/\.$/, '')}). Was it cut short or edited by hand?`)
  }
}

/** An object's members, or undefined for anything else: JSON from outside is checked, never cast. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/** A text field: strings as they are, numbers as their digits (exports disagree on ids), anything else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** A flag written as a boolean, `"true"`/`"false"`, or 1/0 (SQL-backed exports). */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1'
}
