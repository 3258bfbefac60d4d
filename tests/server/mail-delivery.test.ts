import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/processes.ts'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'engawa-mail-'))
const PUBLIC_URL = 'http://127.0.0.1:9'
let server: RunningServer | undefined
let sink: SmtpSink | undefined
afterAll(async () => {
  await server?.stop('SIGKILL')
  await sink?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a first start on an empty folder', () => {
  // A cold start on an empty folder (WASM Postgres, migrations, the demo): slow on a busy machine.
  it('sends the sign-up link through SMTP from the outbox, and the link makes the account', { timeout: 90_000 }, async () => {
    sink = await startSmtpSink()
    server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: '', PUBLIC_URL, SMTP_URL: sink.url, MAIL_FROM: 'Engawa <noreply@comments.example>' })
    const post = (path: string, body: unknown) =>
      fetch(`${server?.url}${path}`, { method: 'POST', headers: { origin: PUBLIC_URL, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const email = 'sink-reader@mail.example'
    expect((await post('/api/v1/auth/signup', { email, password: 'a fine password', displayName: 'Sink' })).status).toBe(202)
    const mail = await sink.waitFor((m) => m.to.includes(email), 20_000)
    expect(mail.subject).toBe('Confirm your address for Engawa')
    const link = /(http\S+#verify=([a-z0-9.]+))/.exec(mail.text)
    expect(link?.[1]?.startsWith(`${PUBLIC_URL}/auth/confirm#verify=`)).toBe(true)
    const verified = await post('/api/v1/auth/verify', { token: link?.[2], password: 'a fine password' })
    expect(verified.status).toBe(200)
    expect((await verified.json()).user.displayName).toBe('Sink')
    expect(server.stderr()).not.toContain(link?.[2] ?? 'missing')
  })

  it('made the demo on its empty database: /demo, with the widget script beside it', async () => {
    // Made right after the first answer.
    await expect.poll(() => server?.stderr().includes('"message":"made the demo site"'), { timeout: 30_000 }).toBe(true)
    const demo = await fetch(`${server?.url}/demo`)
    expect(demo.status).toBe(200)
    expect(await demo.text()).toContain('<script src="/embed.js" data-site="demo"')
    const embed = await fetch(`${server?.url}/embed.js`)
    expect(embed.headers.get('content-type')).toMatch(/javascript/)
    expect(embed.headers.get('cache-control')).toBe('public, max-age=300')
    expect((await embed.text()).length).toBeGreaterThan(1000)
  })
})
