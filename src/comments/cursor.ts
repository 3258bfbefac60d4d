import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding'
import { z } from 'zod'
import { AppError } from '../http/errors.ts'

export const SORTS = ['oldest', 'newest', 'top'] as const
export type Sort = (typeof SORTS)[number]

const int = z.number().int().min(-2_147_483_648).max(2_147_483_647)

/**
 * A position, not an offset: the sort key of the last comment shown. Comments posted while a
 * reader pages get a higher seq, so they never shift what the next page holds.
 * The cursor is opaque to clients; a forged one can only point at another position.
 */
const PositionSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('page'), sort: z.enum(SORTS), seq: int.min(0), score: int.optional() }),
  z.strictObject({ t: z.literal('branch'), root: z.uuid(), path: z.array(int.min(0)).min(1).max(10_000) }),
])
export type Position = z.infer<typeof PositionSchema>
export type PagePosition = Extract<Position, { t: 'page' }>
export type BranchPosition = Extract<Position, { t: 'branch' }>

export function encodeCursor(position: Position): string {
  return encodeJsonCursor(position)
}

export function decodeCursor(cursor: string): Position {
  const parsed = PositionSchema.safeParse(decodeJsonCursor(cursor))
  if (!parsed.success) throw invalidCursor()
  return parsed.data
}

export function invalidCursor() {
  return new AppError('invalid_cursor', 'This cursor is not one Engawa gave out; start again from the first page.')
}

/** Any position as an opaque cursor: base64url of its JSON. */
export function encodeJsonCursor(position: unknown): string {
  return encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(position)))
}

/** The JSON inside a cursor, still to be validated; invalid_cursor when it holds none. */
export function decodeJsonCursor(cursor: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(decodeBase64urlIgnorePadding(cursor)))
  } catch {
    throw invalidCursor()
  }
}
