import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/schema.ts'
import { createLog } from '../../src/log.ts'
import { httpApiSender } from '../../src/mail/http-api-sender.ts'
import { createMailWorker, GIVE_UP_AFTER_MS, type MailWorkerDeps } from '../../src/mail/mail-worker.ts'
import { enqueueMail, type OutgoingMail } from '../../src/mail/outbox.ts'
import { createSender, logSender, smtpSender, type MailSender } from '../../src/mail/senders.ts'
import { forEachBackend } from '../helpers/backends.ts'
import { createFakeClock } from '../helpers/fake-clock.ts'
import { closedSmtpUrl, startSmtpSink } from '../helpers/smtp-sink.ts'

const FROM = 'Engawa <engawa@localhost>'
const MINUTE = 60_000
const LINK = 'https://comments.example/auth/confirm#verify=ONE-TIME-TOKEN-0123456789abcdefghijklmnopqrstuvwxyz-0123456789'
const confirmMail = (to = 'aki@mail.example'): OutgoingMail => ({
  to,
  subject: 'Confirm your address for Engawa',
  text: ['Hello Aki,', '', 'To confirm it and sign in, open this link within 24 hours:', LINK, '', '縁側でお待ちしています。'].join('\n'),
})

/** A promise and the function that settles it, for a test to wait on something happening. */
function signal() {
  let fire = () => {}
  const fired = new Promise<void>((resolve) => (fire = resolve))
  return { fire: () => fire(), fired }
}

interface LogEntry {
  level: string
  message: string
  [field: string]: unknown
}

forEachBackend((database, backend) => {
  // Per test: what to close afterwards, and a log that keeps its lines.
  const cleanups: Array<() => unknown> = []
  let entries: LogEntry[] = []
  const log = () => createLog('debug', (line) => entries.push(JSON.parse(line) as LogEntry))
  const closeLater = <T extends { close(): unknown }>(thing: T): T => {
    cleanups.push(() => thing.close())
    return thing
  }
  const sink = async (options?: Parameters<typeof startSmtpSink>[0]) => closeLater(await startSmtpSink(options))
  const sender = (url: string) => closeLater(smtpSender(url, FROM))
  const worker = (deps: Pick<MailWorkerDeps, 'sender' | 'clock'> & Partial<MailWorkerDeps>) =>
    createMailWorker({ db: database().db, log: log(), ...deps })
  const mails = (db: Kysely<Database> = database().db) => db.selectFrom('outbox_mails').selectAll().orderBy('created_at').execute()
  const onlyMail = async () => {
    const [row, ...others] = await mails()
    if (!row || others.length > 0) throw new Error(`Expected one mail in the outbox, found ${others.length + (row ? 1 : 0)}`)
    return row
  }

  beforeEach(async () => {
    entries = []
    // One database per file: each test starts from an empty outbox.
    await database().db.deleteFrom('outbox_mails').execute()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  describe('enqueueMail', () => {
    it('writes the mail in the caller’s transaction, so a rolled-back cause sends nothing', async () => {
      const clock = createFakeClock()
      const db = database().db
      await expect(
        db.transaction().execute(async (trx) => {
          await enqueueMail(trx, confirmMail(), clock.now())
          throw new Error('the sign-up failed after queueing its mail')
        }),
      ).rejects.toThrow('the sign-up failed')
      expect(await mails()).toEqual([])
      await db.transaction().execute((trx) => enqueueMail(trx, confirmMail(), clock.now()))
      expect(await onlyMail()).toMatchObject({
        to_address: 'aki@mail.example',
        body_text: confirmMail().text,
        attempts: 0,
        created_at: clock.now(),
        next_attempt_at: clock.now(),
        sent_at: null,
      })
    })

    it.each([
      { case: 'a CR LF', subject: 'Hello\r\nBcc: mallory@evil.example' },
      { case: 'a bare LF', subject: 'Hello\nBcc: mallory@evil.example' },
    ])('makes a subject with $case one line: no header is injected, and the mail (and the post that sent it) goes on', async ({ subject }) => {
      await enqueueMail(database().db, { ...confirmMail(), subject }, new Date())
      const stored = await database().db.selectFrom('outbox_mails').select('subject').where('subject', 'like', 'Hello%').execute()
      expect(stored.map((m) => m.subject)).toContain('Hello Bcc: mallory@evil.example')
      await database().db.deleteFrom('outbox_mails').execute()
    })

    it.each([
      { case: 'a CR LF in the address', mail: confirmMail('aki@mail.example\r\nBcc: mallory@evil.example') },
      { case: 'a second address', mail: confirmMail('aki@mail.example, mallory@evil.example') },
      { case: 'a display name', mail: confirmMail('Aki <aki@mail.example>') },
      { case: 'an empty address', mail: confirmMail('') },
      { case: 'a CR LF in a header value', mail: { ...confirmMail(), headers: { 'List-Unsubscribe': '<https://x.example/u>\r\nBcc: mallory@evil.example' } } },
      { case: 'a colon in a header name', mail: { ...confirmMail(), headers: { 'Bcc: mallory@evil.example\r\nX-A': 'b' } } },
    ])('refuses $case and writes nothing', async ({ mail }) => {
      await expect(enqueueMail(database().db, mail, new Date())).rejects.toThrow(Error)
      expect(await mails()).toEqual([])
    })
  })

  describe('delivery', () => {
    it('delivers a queued mail with its address, subject and text, once, and clears its body', async () => {
      const smtp = await sink()
      const clock = createFakeClock()
      await enqueueMail(database().db, { ...confirmMail(), subject: '縁側: confirm your address' }, clock.now())
      // Through the configuration an operator writes, SMTP_URL included.
      const configured = closeLater(createSender(parseConfig({ SMTP_URL: smtp.url, MAIL_FROM: FROM }), log()))
      const mailer = worker({ sender: configured, clock })
      clock.advance(5000)
      expect(await mailer.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })

      expect(smtp.messages).toHaveLength(1)
      expect(smtp.messages[0]).toMatchObject({
        to: ['aki@mail.example'],
        from: 'engawa@localhost',
        subject: '縁側: confirm your address',
        text: confirmMail().text,
      })
      expect(await onlyMail()).toMatchObject({ sent_at: clock.now(), body_text: null, claimed_until: null, attempts: 1, failed_at: null })

      clock.advance(60 * MINUTE)
      expect(await mailer.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect(smtp.messages).toHaveLength(1)
    })

    it('keeps a mail while the server is down, backs off, and delivers it exactly once when it is back', async () => {
      const clock = createFakeClock()
      const queuedAt = clock.now()
      await enqueueMail(database().db, confirmMail(), queuedAt)
      const down = worker({ sender: sender(await closedSmtpUrl()), clock })

      expect(await down.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 })
      let row = await onlyMail()
      expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null, claimed_until: null, body_text: confirmMail().text })
      expect(row.next_attempt_at).toEqual(new Date(queuedAt.getTime() + MINUTE))
      expect(row.last_error).toMatch(/ECONNREFUSED/)

      // Not due yet: nobody knocks again.
      clock.advance(MINUTE - 1)
      expect(await down.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect((await onlyMail()).attempts).toBe(1)

      clock.advance(1)
      expect(await down.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 })
      row = await onlyMail()
      expect(row.attempts).toBe(2)
      expect(row.next_attempt_at).toEqual(new Date(clock.now().getTime() + 2 * MINUTE))

      // The server comes back; the mail goes when it is next due, and only then.
      const smtp = await sink()
      const up = worker({ sender: sender(smtp.url), clock })
      clock.advance(2 * MINUTE - 1)
      expect(await up.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect(smtp.messages).toHaveLength(0)
      clock.advance(1)
      expect(await up.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })
      clock.advance(60 * MINUTE)
      expect(await up.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect(smtp.messages.map((m) => m.text)).toEqual([confirmMail().text])
      expect(await onlyMail()).toMatchObject({ attempts: 3, body_text: null, sent_at: new Date(queuedAt.getTime() + 3 * MINUTE) })

      // The retries were logged without the mail's one-time link.
      expect(entries.filter((e) => e.message === 'mail not sent, will retry')).toHaveLength(2)
      expect(JSON.stringify(entries)).not.toContain('ONE-TIME-TOKEN')
    })

    it('doubles the wait up to an hour, then gives up after three days and logs an error', async () => {
      const clock = createFakeClock()
      const queuedAt = clock.now()
      await enqueueMail(database().db, confirmMail(), queuedAt)
      const down = worker({ sender: sender(await closedSmtpUrl()), clock })
      const waits: number[] = []
      let row = await onlyMail()
      while (!row.failed_at && waits.length < 200) {
        clock.set(row.next_attempt_at)
        await down.runOnce()
        row = await onlyMail()
        if (!row.failed_at) waits.push((row.next_attempt_at.getTime() - clock.now().getTime()) / MINUTE)
      }
      expect(waits.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 32, 60, 60])
      expect(new Set(waits.slice(6))).toEqual(new Set([60]))
      const triedFor = clock.now().getTime() - queuedAt.getTime()
      expect(triedFor).toBeLessThanOrEqual(GIVE_UP_AFTER_MS)
      expect(triedFor).toBeGreaterThan(GIVE_UP_AFTER_MS - 60 * MINUTE)
      expect(row).toMatchObject({ failed_at: clock.now(), sent_at: null, body_text: null, claimed_until: null, attempts: waits.length + 1 })
      expect(entries.filter((e) => e.level === 'error')).toEqual([expect.objectContaining({ message: 'mail given up', mailId: row.id })])

      // Given up means given up.
      clock.advance(7 * 24 * 60 * MINUTE)
      expect(await down.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect((await onlyMail()).attempts).toBe(waits.length + 1)
    })

    it('gives up at once on a mail whose recipient the server refuses, and still sends the others', async () => {
      const smtp = await sink({ rejects: (address) => address.startsWith('nobody@') })
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail('nobody@mail.example'), clock.now())
      clock.advance(1)
      await enqueueMail(database().db, confirmMail('aki@mail.example'), clock.now())
      expect(await worker({ sender: sender(smtp.url), clock }).runOnce()).toEqual({ sent: 1, retried: 0, failed: 1 })
      const [refused, delivered] = await mails()
      expect(refused).toMatchObject({ to_address: 'nobody@mail.example', failed_at: clock.now(), attempts: 1, body_text: null })
      expect(refused?.last_error).toMatch(/550/)
      expect(delivered).toMatchObject({ to_address: 'aki@mail.example', sent_at: clock.now() })
      expect(smtp.messages.map((m) => m.to)).toEqual([['aki@mail.example']])
      expect(entries).toContainEqual(expect.objectContaining({ level: 'error', message: 'mail given up', isPermanent: true }))
    })

    it('through an HTTP mail API, sends a mail whose answer was lost once: the retry carries the same Idempotency-Key', async () => {
      // An API that keeps its word on keys, as Resend does; the first answer is lost on the way back.
      const delivered = new Map<string, number>()
      const keys: Array<string | undefined> = []
      const api = createServer((req, res) => {
        req.resume().on('end', () => {
          const key = req.headers['idempotency-key'] as string | undefined
          keys.push(key)
          if (!delivered.has(key ?? '')) delivered.set(key ?? '', delivered.size + 1)
          if (keys.length === 1) return void res.socket?.destroy()
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `m${delivered.get(key ?? '')}` }))
        })
      })
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
      cleanups.push(() => new Promise((resolve) => api.close(resolve)))
      const viaApi = httpApiSender({ url: `http://127.0.0.1:${(api.address() as AddressInfo).port}/emails`, key: 'k' }, FROM)
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail(), clock.now())
      const mailer = worker({ sender: viaApi, clock })
      expect(await mailer.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 })
      clock.advance(MINUTE)
      expect(await mailer.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })
      const row = await onlyMail()
      expect(keys).toEqual([`engawa-mail/${row.id}`, `engawa-mail/${row.id}`])
      expect(delivered.size).toBe(1)
    })

    it('records a failure as one short line', async () => {
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail(), clock.now())
      const chatty: MailSender = { send: () => Promise.reject(new Error(`451 try later\r\n${'x'.repeat(2000)}`)) }
      expect(await worker({ sender: chatty, clock }).runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 })
      const { last_error: lastError } = await onlyMail()
      expect(lastError).toMatch(/^451 try later x+$/)
      expect(lastError?.length).toBeLessThanOrEqual(200)
    })

    it('without SMTP_URL writes the mail, link included, to the log and counts it sent', async () => {
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail(), clock.now())
      const mailer = worker({ sender: createSender(parseConfig({}), log()), clock })
      expect(await mailer.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })
      expect(entries).toEqual([
        expect.objectContaining({
          level: 'info',
          message: 'mail (no SMTP_URL set)',
          to: 'aki@mail.example',
          subject: confirmMail().subject,
          text: confirmMail().text,
        }),
      ])
      expect(await onlyMail()).toMatchObject({ sent_at: clock.now(), body_text: null })
    })

    it('logSender writes to, subject and text at info level', async () => {
      const lines: string[] = []
      await logSender(createLog('info', (line) => lines.push(line))).send(confirmMail())
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        expect.objectContaining({ level: 'info', message: 'mail (no SMTP_URL set)', to: 'aki@mail.example', text: confirmMail().text }),
      ])
    })
  })

  describe('several instances', () => {
    it('two workers on two connections deliver each of 20 mails exactly once', async () => {
      const smtp = await sink()
      const clock = createFakeClock()
      const subjects = Array.from({ length: 20 }, (_, i) => `Mail ${String(i + 1).padStart(2, '0')}`)
      for (const subject of subjects) await enqueueMail(database().db, { ...confirmMail(), subject }, clock.now())
      const one = worker({ sender: sender(smtp.url), clock, batchSize: 3 })
      const two = worker({ sender: sender(smtp.url), clock, batchSize: 3, db: database().connectAgain() })
      // Each loops on its own, so one claims while the other is in the middle of sending.
      const drain = async (w: typeof one) => {
        let sent = 0
        for (let round = 0; round < 20; round++) {
          const r = await w.runOnce()
          if (r.sent + r.retried + r.failed === 0) break
          sent += r.sent
        }
        return sent
      }
      const [byOne, byTwo] = await Promise.all([drain(one), drain(two)])

      expect(byOne + byTwo).toBe(20)
      expect(smtp.messages.map((m) => m.subject).sort()).toEqual(subjects)
      const rows = await mails()
      expect(rows.every((r) => r.sent_at !== null && r.attempts === 1 && r.body_text === null)).toBe(true)
    })

    // Postgres only: PGlite serves one connection, so no two claims can overlap there.
    if (backend === 'postgres') it('skips, without waiting, a mail another instance is claiming at this moment', async () => {
      const smtp = await sink()
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail(), clock.now())
      const other = database().connectAgain()
      const second = worker({ sender: sender(smtp.url), clock })
      const rowLocked = signal()
      const otherCommits = signal()
      // The other instance's claim has locked the row and not yet committed.
      const claiming = other.transaction().execute(async (trx) => {
        await trx
          .updateTable('outbox_mails')
          .set((eb) => ({ claimed_until: new Date(clock.now().getTime() + 10 * MINUTE), attempts: eb('attempts', '+', 1) }))
          .execute()
        rowLocked.fire()
        await otherCommits.fired
      })
      await rowLocked.fired
      let timer: ReturnType<typeof setTimeout> | undefined
      const blocked = new Promise<'blocked'>((resolve) => (timer = setTimeout(() => resolve('blocked'), 5000)))
      const round = second.runOnce()
      const early = await Promise.race([round, blocked])
      clearTimeout(timer)
      otherCommits.fire()
      await claiming
      expect(early).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect(await round).toEqual({ sent: 0, retried: 0, failed: 0 })
      expect(smtp.messages).toHaveLength(0)
      expect((await onlyMail()).attempts).toBe(1)
    })

    it('takes over a mail whose claim lapsed when its instance died mid-send', async () => {
      const smtp = await sink()
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail(), clock.now())
      // An instance claims the mail, then hangs for good inside the send (as if it had died).
      const claimed = signal()
      const dying: MailSender = {
        send: () => {
          claimed.fire()
          return new Promise<void>(() => {})
        },
      }
      void worker({ sender: dying, clock, leaseMs: 5 * MINUTE }).runOnce()
      await claimed.fired
      expect(await onlyMail()).toMatchObject({ attempts: 1, claimed_until: new Date(clock.now().getTime() + 5 * MINUTE) })

      const survivor = worker({ sender: sender(smtp.url), clock, db: database().connectAgain() })
      clock.advance(5 * MINUTE)
      expect(await survivor.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 })
      clock.advance(1)
      expect(await survivor.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })
      expect(smtp.messages).toHaveLength(1)
      expect(await onlyMail()).toMatchObject({ attempts: 2, body_text: null, sent_at: clock.now() })
    })

    it('leaves the rest of its claim alone once slow sends have outlasted the lease', async () => {
      const smtp = await sink()
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail('first@mail.example'), clock.now())
      clock.advance(1)
      await enqueueMail(database().db, confirmMail('second@mail.example'), clock.now())
      const real = sender(smtp.url)
      // The first send takes longer than the lease: the second mail may be someone else's by now.
      const slow: MailSender = {
        send: async (mail) => {
          await real.send(mail)
          clock.advance(5 * MINUTE)
        },
      }
      const mailer = worker({ sender: slow, clock, batchSize: 2, leaseMs: 5 * MINUTE })
      expect(await mailer.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })
      expect(smtp.messages.map((m) => m.to)).toEqual([['first@mail.example']])
      // Its lapsed claim makes it due for whichever instance comes next.
      clock.advance(1)
      expect(await mailer.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 })
      expect(smtp.messages.map((m) => m.to)).toEqual([['first@mail.example'], ['second@mail.example']])
    })
  })

  describe('the loop', () => {
    it('holds no lock while sending, and stop() waits for the round in flight', async () => {
      const clock = createFakeClock()
      await enqueueMail(database().db, confirmMail(), clock.now())
      const sending = signal()
      const release = signal()
      const gated: MailSender = {
        send: () => {
          sending.fire()
          return release.fired
        },
      }
      const mailer = worker({ sender: gated, clock })
      mailer.start(60 * MINUTE)
      await sending.fired
      // The claim committed before the send: another connection can lock the row at once.
      const other = database().connectAgain()
      await other.transaction().execute((trx) => trx.selectFrom('outbox_mails').select('id').forUpdate().noWait().execute())

      let hasStopped = false
      const stopping = mailer.stop().then(() => (hasStopped = true))
      // A database round trip gives stop() every chance to return early, were it to.
      expect(await onlyMail()).toMatchObject({ sent_at: null })
      expect(hasStopped).toBe(false)
      release.fire()
      await stopping
      expect(await onlyMail()).toMatchObject({ sent_at: clock.now(), body_text: null })
    })

    it('logs a failed round instead of throwing, and keeps going', async () => {
      const smtp = await sink()
      const real = createFakeClock()
      await enqueueMail(database().db, confirmMail(), real.now())
      let isBroken = true
      // The first round fails before it claims anything, as a lost database connection would.
      const clock = {
        now: () => {
          if (isBroken) {
            isBroken = false
            throw new Error('connection terminated unexpectedly')
          }
          return real.now()
        },
      }
      const mailer = worker({ sender: sender(smtp.url), clock })
      cleanups.push(() => mailer.stop())
      mailer.start(1)
      await smtp.waitFor(() => true)
      await mailer.stop()
      expect(entries).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'mail round failed', error: 'connection terminated unexpectedly' }),
      )
      expect(await onlyMail()).toMatchObject({ attempts: 1, body_text: null, sent_at: real.now() })
    })

    it('runs the next round at once after a full batch, not after the interval', async () => {
      const smtp = await sink()
      const clock = createFakeClock()
      for (let i = 0; i < 5; i++) await enqueueMail(database().db, confirmMail(`reader${i}@mail.example`), clock.now())
      const mailer = worker({ sender: sender(smtp.url), clock, batchSize: 2 })
      cleanups.push(() => mailer.stop())
      mailer.start(60 * MINUTE)
      await smtp.waitFor(() => smtp.messages.length === 5)
      await mailer.stop()
      expect((await mails()).every((r) => r.sent_at !== null && r.attempts === 1)).toBe(true)
    })
  })
})
