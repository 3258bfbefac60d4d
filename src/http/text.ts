import { z } from '@hono/zod-openapi'

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Characters as a reader counts them: a kanji is one, a family emoji is one. */
export function countCharacters(text: string): number {
  let n = 0
  for (const _ of segmenter.segment(text)) n++
  return n
}

/** Addresses are kept and compared lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * A string from outside: well-formed Unicode (no lone surrogates, which JSON allows) and no
 * NUL, which Postgres text cannot hold and no reader means to send.
 */
export function text() {
  return z
    .string()
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL characters' })
    .refine((s) => s.isWellFormed(), { message: 'must be valid Unicode text' })
}

/**
 * Trimmed text whose length is counted in characters as a reader sees them. One such
 * character can hide thousands of combining marks, so the stored size is capped as well.
 */
export function trimmedText(min: number, max: number) {
  return text()
    .trim()
    .refine((s) => countCharacters(s) >= min, { message: min === 1 ? 'must not be blank' : `must be at least ${min} characters` })
    .refine((s) => countCharacters(s) <= max && s.length <= max * 4, { message: `must be at most ${max} characters` })
}

/**
 * Blank lines at both ends and whitespace at the very end go; spaces that start the first line
 * stay, since in Markdown four of them (or a tab) open a code block.
 */
export function trimBlankLines(s: string): string {
  return s.replace(/^(?:[ \t\f\v]*\r?\n)+/, '').trimEnd()
}

/** A comment's Markdown: trimmed of blank lines only, then counted like trimmedText. */
export function bodyText(max: number) {
  return text()
    .transform(trimBlankLines)
    .refine((s) => s.trim() !== '', { message: 'must not be blank' })
    .refine((s) => countCharacters(s) <= max && s.length <= max * 4, { message: `must be at most ${max} characters` })
}

/** An identifier from outside that is stored in an index: capped in code units, not characters. */
export function keyText(max: number) {
  return text().trim().min(1, { message: 'must not be blank' }).max(max, { message: `must be at most ${max} characters` })
}

/**
 * Bidirectional controls (embeddings, overrides, isolates, the marks): inside a name, U+202E
 * turns the rest of a line around, so a header can be made to read as something else.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
/** Control characters (C0, DEL, C1): line breaks in a name break mail subjects and logs, and show as nothing. */
const CONTROL_CHARACTERS = /\p{Cc}/u

/** A name from a trusted-enough source (an OAuth provider, an import, a host site's SSO): made one clean line. */
export function cleanName(name: string, max: number): string {
  const one = name.replace(BIDI_CONTROLS, '').replace(/\p{Cc}+/gu, ' ').replace(/\s+/g, ' ').trim()
  return [...segmenter.segment(one)].slice(0, max).map((s) => s.segment).join('')
}

/**
 * A name a person types (their own, a guest's, a site's): one line. Control characters are
 * refused, with a message; bidi controls are dropped, as nobody types them on purpose.
 */
export function nameText(max: number) {
  return text()
    .refine((s) => !CONTROL_CHARACTERS.test(s), { message: 'must be one line, without control characters' })
    .transform((s) => s.replace(BIDI_CONTROLS, ''))
    .pipe(trimmedText(1, max))
}
