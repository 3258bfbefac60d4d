import { createTransport } from 'nodemailer'
import type { Config } from '../config.ts'
import type { Log } from '../log.ts'
import type { MailSender } from './mail-sender.ts'
import { httpApiSender } from './http-api-sender.ts'

export type { MailSender }

// Node only (nodemailer opens TCP sockets): built by server.ts and handed to the mail worker.

// nodemailer waits 2 minutes to connect and 10 minutes on a silent socket by default; a hung
// server would hold one worker round (and its claimed mails) that long. These bound each step,
// and SEND_TIMEOUT_MS bounds a whole mail, well inside the worker's lease on its claimed rows.
const CONNECTION_TIMEOUT_MS = 10_000
const GREETING_TIMEOUT_MS = 10_000
const SOCKET_TIMEOUT_MS = 20_000
const DNS_TIMEOUT_MS = 10_000
export const SEND_TIMEOUT_MS = 30_000

// Replies to these commands judge this mail: a 5xx there is final for it. A 5xx to AUTH or MAIL
// FROM is a configuration problem that an operator fixes, after which the mail should still go.
const COMMANDS_ABOUT_THE_MAIL = new Set(['RCPT TO', 'DATA'])

/**
 * Sends through the SMTP server of `url` (smtp://user:pass@host:587, smtps://… for implicit TLS;
 * nodemailer's options may ride in the query, e.g. `?ignoreTLS=true` for a local test server
 * without STARTTLS, and override the timeouts here). One connection per mail: an instance sends
 * few mails, and holding none open between rounds means none goes stale.
 */
export function smtpSender(url: string, from: string): MailSender & { close(): void } {
  const transport = createTransport(
    {
      url,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      dnsTimeout: DNS_TIMEOUT_MS,
      // Our mails are plain strings; nothing may make nodemailer read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    },
    { from },
  )
  const secrets = passwordsOf(url)
  return {
    async send(mail) {
      try {
        await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, headers: mail.headers, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) })
      } catch (error) {
        throw describeFailure(error, secrets)
      }
    },
    close: () => transport.close(),
  }
}

/** Without SMTP_URL (a local install): the mail goes to the log, where its link can be followed. */
export function logSender(log: Log): MailSender {
  return {
    send: async (mail) => log.info('mail (no SMTP_URL set)', { to: mail.to, subject: mail.subject, text: mail.text }),
  }
}

export function createSender(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'mailApi'>, log: Log): MailSender & { close(): void } {
  if (config.smtpUrl) return smtpSender(config.smtpUrl, config.mailFrom)
  if (config.mailApi) return { ...httpApiSender(config.mailApi, config.mailFrom), close: () => {} }
  return { ...logSender(log), close: () => {} }
}

/** The error the outbox records: nodemailer's code and message, without the SMTP password. */
function describeFailure(error: unknown, secrets: string[]): Error & { permanent: boolean } {
  // nodemailer sets these as own properties of its errors.
  const field = (key: string): unknown => (error instanceof Error ? Object.getOwnPropertyDescriptor(error, key)?.value : undefined)
  const code = field('code')
  const command = field('command')
  let message = error instanceof Error ? error.message : String(error)
  if (typeof code === 'string') message = `${code}: ${message}`
  for (const secret of secrets) message = message.split(secret).join('***')
  const permanent = field('permanent') === true && typeof command === 'string' && COMMANDS_ABOUT_THE_MAIL.has(command)
  return Object.assign(new Error(message, { cause: error }), { permanent })
}

/** The URL's password as written and decoded, to scrub from error messages. */
function passwordsOf(url: string): string[] {
  const raw = URL.canParse(url) ? new URL(url).password : ''
  if (!raw) return []
  let decoded = raw
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    // A malformed escape: nodemailer sees the raw form, already listed.
  }
  return [...new Set([raw, decoded])]
}
