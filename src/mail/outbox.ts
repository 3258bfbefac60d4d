import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

// The outbox: a mail is a row written in the same transaction as whatever caused it (a sign-up,
// a reset request), so it exists exactly when that write does, and a mail server that is down
// delays it instead of losing it. `mail-worker.ts` sends the rows. This file imports no mailer,
// so features on any runtime can queue mail.

export interface OutgoingMail {
  /** One bare address (`someone@example.com`). */
  to: string
  subject: string
  /** Plain text. It may hold a one-time link: the row's copy is cleared once sent. */
  text: string
  /** Extra header fields (e.g. List-Unsubscribe, RFC 8058), name → value. */
  headers?: Record<string, string>
  /** The site the mail is about, so its owners see it in their delivery log. */
  siteId?: string
}

// A header name is a token (RFC 5322 ftext); anything else could smuggle in a second header.
const HEADER_NAME = /^[A-Za-z0-9-]+$/

// A line break in a header value starts a new header (Bcc: …) or the body: header injection.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/
// One address, no display name or list: a comma, a semicolon or angle brackets could turn one
// mail (with its one-time link) into a mail to a second, chosen recipient.
const BARE_ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+$/

/**
 * Queues a mail, due at once. Pass the caller's transaction as `db` so the mail is written
 * together with what caused it. Throws (a bug in the caller, not a client error) on a recipient
 * that is not one bare address, or on a line break or other control character in a header.
 */
export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail, now: Date): Promise<void> {
  if (CONTROL_CHARACTER.test(mail.to) || !BARE_ADDRESS.test(mail.to)) throw new Error('A mail must go to one bare address')
  // A subject quotes names and titles others wrote: made one line, it can never refuse a mail (and with it a post).
  const subject = mail.subject.replace(/[\u0000-\u001f\u007f]+/g, ' ')
  for (const [name, value] of Object.entries(mail.headers ?? {}))
    if (!HEADER_NAME.test(name) || CONTROL_CHARACTER.test(value)) throw new Error('A mail header must be one line with a plain name')
  await db
    .insertInto('outbox_mails')
    .values({
      to_address: mail.to,
      subject,
      body_text: mail.text,
      created_at: now,
      next_attempt_at: now,
      site_id: mail.siteId ?? null,
      headers: mail.headers ? JSON.stringify(mail.headers) : null,
    })
    .execute()
}
