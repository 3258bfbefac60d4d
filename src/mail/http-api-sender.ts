import type { Config } from '../config.ts'
import type { MailSender } from './mail-sender.ts'

const SEND_TIMEOUT_MS = 30_000

/**
 * Sends through an HTTP mail API: Resend's `POST /emails` (JSON: from, to, subject, text,
 * headers; a Bearer key), which other services and relays speak too. Where SMTP cannot run
 * (Workers) this is how mail goes out. A 4xx refuses this mail for good (a bad address, a
 * refused sender); 408, 409 (the same mail still being sent, unless its key came with another
 * mail), 429, 5xx and network failures are retried by the outbox. Each attempt carries the
 * outbox row's id as its Idempotency-Key, so a retry after an answer that never came (a
 * timeout, a dropped connection) is not a second mail.
 */
export function httpApiSender(api: NonNullable<Config['mailApi']>, from: string): MailSender {
  return {
    async send(mail) {
      let res: Response
      try {
        res = await fetch(api.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${api.key}`,
            'content-type': 'application/json',
            'user-agent': 'Engawa-Mail/1',
            ...(mail.id ? { 'idempotency-key': `engawa-mail/${mail.id}` } : {}),
          },
          body: JSON.stringify({ from, to: [mail.to], subject: mail.subject, text: mail.text, ...(mail.headers ? { headers: mail.headers } : {}) }),
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        })
      } catch (error) {
        throw Object.assign(new Error(`The mail API could not be reached: ${error instanceof Error ? error.message : String(error)}`), { permanent: false })
      }
      if (res.ok) return void (await res.body?.cancel())
      const said = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300)
      // A 409 for the key used with another mail (Resend's invalid_idempotent_request) never passes.
      const reused = res.status === 409 && said.includes('invalid_idempotent_request')
      const permanent = reused || (res.status >= 400 && res.status < 500 && ![408, 409, 429].includes(res.status))
      throw Object.assign(new Error(`The mail API answered ${res.status}${said ? `: ${said}` : ''}`), { permanent })
    },
  }
}
