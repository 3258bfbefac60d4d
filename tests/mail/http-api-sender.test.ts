import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.ts'
import { httpApiSender } from '../../src/mail/http-api-sender.ts'

// A mail API on loopback that answers as Resend does, or as told.
const received: Array<{ headers: IncomingMessage['headers']; body: any }> = []
let answer = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"m1"}')
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (d) => (body += d))
  req.on('end', () => {
    received.push({ headers: req.headers, body: JSON.parse(body) })
    answer(res)
  })
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/emails`
afterAll(() => new Promise((resolve) => server.close(resolve)))

describe('mail through an HTTP mail API (how Workers send mail)', () => {
  const sender = httpApiSender({ url, key: 're_test_key' }, 'Engawa <comments@blog.example>')
  const mail = { to: 'reader@mail.example', subject: 'Confirm your address', text: 'Open https://c.example/#verify=abc', headers: { 'List-Unsubscribe': '<https://c.example/u>' } }

  it('is chosen by MAIL_API_KEY, posting from, to, subject, text and headers with the key as a Bearer token', async () => {
    expect(parseConfig({ MAIL_API_KEY: 're_test_key' }).mailApi).toEqual({ url: 'https://api.resend.com/emails', key: 're_test_key' })
    expect(parseConfig({}).mailApi).toBeUndefined()
    await sender.send(mail)
    const [sent] = received.splice(0)
    expect(sent?.headers.authorization).toBe('Bearer re_test_key')
    expect(sent?.body).toEqual({ from: 'Engawa <comments@blog.example>', to: ['reader@mail.example'], subject: mail.subject, text: mail.text, headers: mail.headers })
  })

  it('gives a mail up when the API refuses it (4xx), and has it retried when the API is busy, failing or away', async () => {
    answer = (res) => res.writeHead(422, { 'content-type': 'application/json' }).end('{"message":"Invalid `to` field."}')
    await expect(sender.send(mail)).rejects.toMatchObject({ permanent: true, message: 'The mail API answered 422: {"message":"Invalid `to` field."}' })
    // 409: the same mail (by its Idempotency-Key) is still being sent.
    for (const status of [408, 409, 429, 500, 503]) {
      answer = (res) => res.writeHead(status).end()
      await expect(sender.send(mail)).rejects.toMatchObject({ permanent: false })
    }
    answer = (res) => res.writeHead(409, { 'content-type': 'application/json' }).end('{"statusCode":409,"name":"invalid_idempotent_request","message":"Same idempotency key used with a different request payload."}')
    await expect(sender.send(mail)).rejects.toMatchObject({ permanent: true })
    answer = (res) => res.writeHead(409, { 'content-type': 'application/json' }).end('{"statusCode":409,"name":"concurrent_idempotent_requests","message":"Same idempotency key used while original request is still in progress."}')
    await expect(sender.send(mail)).rejects.toMatchObject({ permanent: false })
    const away = httpApiSender({ url: 'http://127.0.0.1:1/emails', key: 'k' }, 'a@b.example')
    await expect(away.send(mail)).rejects.toMatchObject({ permanent: false, message: expect.stringMatching(/^The mail API could not be reached/) })
  })
})
