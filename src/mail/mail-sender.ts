import type { OutgoingMail } from './outbox.ts'

export interface MailSender {
  /**
   * Resolves once the mail is handed over. Rejects when it was not; with `permanent: true` on
   * the error when retrying the same mail cannot succeed (the server refused the recipient or
   * the message), so the outbox gives up at once instead of knocking for three days.
   */
  send(mail: SendableMail): Promise<void>
}

/** A mail as the outbox hands it over: with its row's id, the same on every attempt. */
export type SendableMail = OutgoingMail & { id?: string }
