import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** A mail as the sink received it. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[]
  /** Envelope sender (MAIL FROM). */
  from: string
  subject: string
  /** The decoded plain-text body, line ends as `\n`. */
  text: string
  /** Header names in lower case, folded lines joined. */
  headers: Map<string, string>
}

export interface SmtpSink {
  /**
   * Where nodemailer finds the sink. It carries `?ignoreTLS=true`: the sink offers no STARTTLS,
   * and nodemailer reads its options from the URL query, so production code needs no test switch.
   */
  url: string
  messages: ReceivedMail[]
  /** Resolves with the first message matching, now or when it arrives; rejects after timeoutMs. */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  close(): Promise<void>
}

/**
 * A real SMTP server on loopback port 0 that keeps what it receives. No TLS, no auth required.
 * Recipients for which `rejects` answers true get `550` at RCPT TO, as a real server refuses an
 * unknown mailbox.
 */
export async function startSmtpSink(options: { rejects?: (address: string) => boolean } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = []
  const waiters = new Set<() => void>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    // close() waits this long for clients still connected; ours quit after each mail.
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (options.rejects?.(address.address)) {
        callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }))
        return
      }
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const mail = parseMessage(Buffer.concat(chunks).toString('utf8'))
        messages.push({
          ...mail,
          to: session.envelope.rcptTo.map((a) => a.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        })
        for (const wake of waiters) wake()
        callback()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = portOf(server.server.address())
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    messages,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate)
          if (!found) return
          done()
          resolve(found)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`No matching mail within ${timeoutMs} ms (${messages.length} received)`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** An SMTP URL where nothing listens: a mail server that is down. */
export async function closedSmtpUrl(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
  const port = portOf(probe.address())
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return `smtp://127.0.0.1:${port}?ignoreTLS=true`
}

function portOf(address: AddressInfo | string | null): number {
  if (!address || typeof address === 'string') throw new Error('The server is not listening on TCP')
  return address.port
}

// Enough MIME for nodemailer's single-part text mails: headers, RFC 2047 words in the subject,
// and a 7bit, quoted-printable or base64 body. Not a general parser.
function parseMessage(raw: string): Pick<ReceivedMail, 'subject' | 'text' | 'headers'> {
  const split = raw.indexOf('\r\n\r\n')
  const head = split < 0 ? raw : raw.slice(0, split)
  // SMTP ends the last line with CRLF before the terminating dot; that one is not the text's.
  const body = split < 0 ? '' : raw.slice(split + 4).replace(/\r\n$/, '')
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), text: decodeBody(body, encoding).replace(/\r\n/g, '\n') }
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.replace(/=\r\n/g, ''))
  return body
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : ''
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(text[i] ?? '', 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}
