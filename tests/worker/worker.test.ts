import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { nodePasswordHasher } from '../../src/auth/argon2-node.ts'
import type { Database } from '../../src/db/schema.ts'
import { setSiteRole } from '../../src/sites/members.ts'
import { createSite } from '../../src/sites/sites.ts'
import { createWebhook } from '../../src/webhooks/endpoints.ts'
import { PASSWORD, uniqueEmail } from '../helpers/accounts.ts'
import { buildWorker } from '../helpers/build-worker.ts'
import { eventReader } from '../helpers/event-stream.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.ts'
import { copyTemplateDatabase, hasPostgres } from '../helpers/server-database.ts'
import { freePort, startWranglerDev, type WranglerDev } from '../helpers/wrangler-dev.ts'

const NODE_ONLY = [/@electric-sql\/pglite/, /@hono\/node-server/, /@node-rs\/argon2/, /^src\/server\.ts$/, /^src\/cli\.ts$/, /^src\/db\/pglite\.ts$/, /^src\/db\/data-dir-lock\.ts$/]
// What Workers provide with nodejs_compat, plus pg's optional native binding, which pg only tries inside a catch.
const RUNTIME_IMPORTS = new Set([
  'node:module', 'cloudflare:sockets', 'pg-native', 'util', 'util/types', 'crypto', 'fs', 'dns', 'events', 'net', 'tls',
  'stream', 'string_decoder', 'path', 'url', 'os', 'buffer',
])

const dir = mkdtempSync(join(tmpdir(), 'engawa-worker-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the Workers entry', () => {
  it('bundles without any Node-only module of ours or the embedded database; its WebAssembly comes compiled at deploy', async () => {
    const meta = await buildWorker(join(dir, 'worker.js'))
    const inputs = Object.keys(meta.inputs)
    const imports = Object.values(meta.outputs).flatMap((o) => o.imports.map((i) => i.path))
    expect(inputs).toContain('src/app.ts')
    for (const pattern of NODE_ONLY) expect(inputs.filter((i) => pattern.test(i))).toEqual([])
    const wasm = imports.filter((i) => i.endsWith('.wasm'))
    expect(wasm.sort()).toEqual(['argon2id/dist/no-simd.wasm', 'argon2id/dist/simd.wasm'])
    expect([...new Set(imports)].filter((i) => !RUNTIME_IMPORTS.has(i) && !i.endsWith('.wasm'))).toEqual([])
  })
})

// The worker as it deploys (wrangler dev with the project's wrangler.toml: its build step,
// static assets, Hyperdrive binding and cron), on a database of its own on the Postgres server.
describe('on Workers (wrangler dev), on the Postgres server', { timeout: 180_000 }, () => {
  const postgres = inject('postgres')
  if (!hasPostgres(postgres)) return
  let worker: WranglerDev | undefined
  let provider: TestOidcProvider | undefined
  let hooks: WebhookReceiver | undefined
  let mailApi: WebhookReceiver | undefined
  let db: Kysely<Database> | undefined
  let siteId = ''
  let dropDatabase = async () => {}
  beforeAll(async () => {
    const copy = await copyTemplateDatabase(postgres, 'worker')
    dropDatabase = copy.drop
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: copy.url, max: 2 }) }) })
    siteId = (await createSite(db, { name: 'Workers blog', origins: ['https://blog.example'] })).id
    const port = await freePort()
    provider = await startOidcProvider({
      redirectUris: [`http://127.0.0.1:${port}/api/v1/auth/oauth/oidc/callback`],
      accounts: [{ id: 'kei', email: 'kei@sso.example', emailVerified: true, name: 'Kei' }],
    })
    hooks = await startWebhookReceiver()
    mailApi = await startWebhookReceiver((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"sent"}'))
    worker = await startWranglerDev(copy.url, {
      port,
      vars: { WEBHOOKS_ALLOW_PRIVATE: 'true', MAIL_API_KEY: 'test-key', MAIL_API_URL: mailApi.url('/emails'), OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret, OIDC_NAME: 'Test ID', OIDC_ALLOW_PRIVATE: 'true' },
    })
  }, 180_000)
  afterAll(async () => {
    await worker?.stop()
    await provider?.close()
    await hooks?.close()
    await mailApi?.close()
    await db?.destroy()
    await dropDatabase()
  })

  const api = (path: string, body?: unknown, cookie?: string) =>
    fetch(`${worker?.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', origin: worker?.url ?? '', ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    })
  const cookieOf = (res: Response) => /(engawa_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? ''
  const mailLink = async (to: string, kind: 'verify' | 'reset') => {
    const mails = await db?.selectFrom('outbox_mails').select('body_text').where('to_address', '=', to).orderBy('created_at', 'desc').execute()
    return new RegExp(`#${kind}=([a-z0-9.]+)`).exec(mails?.[0]?.body_text ?? '')?.[1] ?? ''
  }

  it('serves the widget and the pages’ scripts from the build step’s assets, and posts and reads a thread', async () => {
    for (const file of ['/embed.js', '/count.js', '/static/auth.js', '/static/dashboard.js']) {
      const res = await fetch(`${worker?.url}${file}`)
      expect(res.status, file).toBe(200)
      expect(res.headers.get('content-type'), file).toMatch(/javascript/)
    }
    expect(await (await fetch(`${worker?.url}/readyz`)).json()).toEqual({ status: 'ready', databases: [{ database: 'primary', ok: true, ms: expect.any(Number) }] })
    const page = 'https://blog.example/on-workers'
    const posted = await fetch(`${worker?.url}/api/v1/sites/${siteId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://blog.example' },
      body: JSON.stringify({ thread: { url: page }, author: { name: 'Aki' }, body: 'from **workerd**' }),
    })
    expect(posted.status).toBe(201)
    const read = await (await fetch(`${worker?.url}/api/v1/sites/${siteId}/thread?url=${encodeURIComponent(page)}`)).json()
    expect(read.thread.total).toBe(1)
    expect(read.comments[0].html).toBe('<p>from <strong>workerd</strong></p>')
  })

  it('signs up, verifies, signs in, changes and resets a password, with hashes Node verifies too', async () => {
    const email = uniqueEmail('workers')
    expect((await api('/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Wren' })).status).toBe(202)
    const verified = await api('/api/v1/auth/verify', { token: await mailLink(email, 'verify'), password: PASSWORD })
    expect(verified.status, await verified.clone().text()).toBe(200)
    const cookie = cookieOf(verified)
    expect((await (await api('/api/v1/me', undefined, cookie)).json()).user.displayName).toBe('Wren')
    const stored = async () => (await db?.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow())?.password_hash ?? ''
    // Made in workerd, verified by Node's native Argon2id: one database serves both.
    expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await nodePasswordHasher.verify(await stored(), PASSWORD)).toBe(true)

    expect((await api('/api/v1/auth/login', { email, password: 'not the password' })).status).toBe(401)
    expect((await api('/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(200)
    expect((await api('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'a password for workers' }, cookie)).status).toBe(200)
    expect((await api('/api/v1/auth/login', { email, password: 'a password for workers' })).status).toBe(200)

    expect((await api('/api/v1/auth/reset', { email })).status).toBe(202)
    const reset = await api('/api/v1/auth/reset/confirm', { token: await mailLink(email, 'reset'), password: 'reset on the edge' })
    expect(reset.status, await reset.clone().text()).toBe(200)
    expect((await api('/api/v1/auth/login', { email, password: 'reset on the edge' })).status).toBe(200)

    // A hash made by Node's native Argon2id signs in on Workers.
    const fromNode = uniqueEmail('node')
    await db?.insertInto('users').values({ email: fromNode, email_verified_at: new Date(), display_name: 'Nell', password_hash: await nodePasswordHasher.hash(PASSWORD) }).execute()
    expect((await api('/api/v1/auth/login', { email: fromNode, password: PASSWORD })).status).toBe(200)
  })

  it('signs in through an OpenID Connect provider', async () => {
    const start = await api(`/api/v1/auth/oauth/oidc?returnTo=${encodeURIComponent('/auth/popup?site=abc')}`)
    expect(start.status, await start.clone().text()).toBe(302)
    const state = /(engawa_oauth_state=[^;]+)/.exec(start.headers.get('set-cookie') ?? '')?.[1] ?? ''
    const back = await (provider as TestOidcProvider).signIn(start.headers.get('location') ?? '', 'kei')
    const done = await api(`${back.pathname}${back.search}`, undefined, state)
    expect(done.status, await done.clone().text()).toBe(302)
    expect(done.headers.get('location')).toBe('/auth/popup?site=abc')
    expect((await (await api('/api/v1/me', undefined, cookieOf(done))).json()).user.displayName).toBe('Kei')
  })

  it('tells readers of a new comment, a reply, a hide and an approval through the thread’s Durable Object, missing nothing since their page', async () => {
    const page = 'https://blog.example/live-on-workers'
    const fromBlog = { 'content-type': 'application/json', origin: 'https://blog.example' }
    const post = async (body: string, parentId?: string) => {
      const res = await fetch(`${worker?.url}/api/v1/sites/${siteId}/comments`, { method: 'POST', headers: fromBlog, body: JSON.stringify({ thread: { url: page }, author: { name: 'Aki' }, body, parentId }) })
      expect(res.status).toBe(201)
      return (await res.json()).comment as { id: string; status: string }
    }
    const first = await post('before anyone listens')
    const read = await (await fetch(`${worker?.url}/api/v1/sites/${siteId}/thread?url=${encodeURIComponent(page)}`)).json()
    const since = read.thread.lastSeq as number
    // Posted after the page was read, before its stream opened: sent first once it does.
    const between = await post('between the read and the stream')
    const live = eventReader(await fetch(`${worker?.url}/api/v1/sites/${siteId}/thread/live?url=${encodeURIComponent(page)}&since=${since}`, { headers: { origin: 'https://blog.example' } }))
    try {
      expect(JSON.parse(await live.next('comment', 20_000)).id).toBe(between.id)
      const delays: number[] = []
      for (let i = 0; i < 5; i++) {
        const posted = await post(`live ${i}`, i % 2 ? first.id : undefined)
        const answered = performance.now()
        const event = JSON.parse(await live.next('comment', 10_000))
        delays.push(performance.now() - answered)
        expect(event.id).toBe(posted.id)
        expect(event.parentId ?? null).toBe(i % 2 ? first.id : null)
      }
      console.log(`live delay on Workers (wrangler dev), post answered to event read, ms: ${delays.map(Math.round).join(', ')}`)
      expect(Math.max(...delays)).toBeLessThan(2_000)

      const moderator = uniqueEmail('moderator')
      expect((await api('/api/v1/auth/signup', { email: moderator, password: PASSWORD, displayName: 'Mo' })).status).toBe(202)
      const cookie = cookieOf(await api('/api/v1/auth/verify', { token: await mailLink(moderator, 'verify'), password: PASSWORD }))
      await setSiteRole(db as Kysely<Database>, siteId, moderator, 'moderator')
      const act = (id: string, action: string) => api(`/api/v1/moderation/sites/${siteId}/comments/${id}`, { action }, cookie)
      expect((await act(first.id, 'hide')).status).toBe(200)
      // Hidden, it stays in its place as a hidden comment.
      expect(JSON.parse(await live.next('update', 10_000))).toMatchObject({ comment: { id: first.id, status: 'hidden' }, visible: true })
      await db?.updateTable('sites').set({ premoderation: 'all' }).where('id', '=', siteId).execute()
      const held = await post('held for a moderator')
      expect(held.status).toBe('pending')
      expect((await act(held.id, 'approve')).status).toBe(200)
      expect(JSON.parse(await live.next('update', 10_000))).toMatchObject({ comment: { id: held.id, status: 'published' }, visible: true })
    } finally {
      await live.cancel()
      await db?.updateTable('sites').set({ premoderation: 'off' }).where('id', '=', siteId).execute()
    }
  })

  it('tells a reader of a reply through their own Durable Object (their inbox stream), and only them', async () => {
    const page = 'https://blog.example/inbox-on-workers'
    const reader = async (name: string) => {
      const email = uniqueEmail(name.toLowerCase())
      expect((await api('/api/v1/auth/signup', { email, password: PASSWORD, displayName: name })).status).toBe(202)
      const cookie = cookieOf(await api('/api/v1/auth/verify', { token: await mailLink(email, 'verify'), password: PASSWORD }))
      const session = await api('/api/v1/auth/widget-session', { site: siteId, origin: 'https://blog.example' }, cookie)
      expect(session.status, await session.clone().text()).toBe(200)
      return { authorization: `Bearer ${(await session.json()).token}`, origin: 'https://blog.example' }
    }
    const post = async (as: Record<string, string>, body: string, parentId?: string) => {
      const res = await fetch(`${worker?.url}/api/v1/sites/${siteId}/comments`, { method: 'POST', headers: { ...as, 'content-type': 'application/json' }, body: JSON.stringify({ thread: { url: page }, body, parentId }) })
      expect(res.status, await res.clone().text()).toBe(201)
      return (await res.json()).comment as { id: string }
    }
    const [hana, ren] = [await reader('Hana'), await reader('Ren')]
    const first = await post(hana, 'Something to answer.')
    const stream = (as: Record<string, string>) => fetch(`${worker?.url}/api/v1/sites/${siteId}/inbox/live`, { headers: as })
    const hanas = eventReader(await stream(hana))
    const rens = eventReader(await stream(ren))
    try {
      await hanas.next('ready', 20_000)
      await rens.next('ready', 20_000)
      await post(ren, 'An answer.', first.id)
      expect(await hanas.next('inbox', 10_000)).toBe('{}')
      await expect(rens.next('inbox', 1_000)).rejects.toThrow(/no "inbox" event/)
    } finally {
      await hanas.cancel()
      await rens.cancel()
    }
  })

  it('runs maintenance, delivers webhooks and sends mail through the mail API from its cron trigger', async () => {
    const user = await db?.insertInto('users').values({ display_name: 'Expired' }).returning('id').executeTakeFirstOrThrow()
    const past = new Date(Date.now() - 60_000)
    await db?.insertInto('sessions').values({ id: `expired-${Date.now()}`, secret_hash: new Uint8Array(32), user_id: user?.id ?? '', site_id: null, created_at: past, expires_at: past }).execute()
    const expired = async () => Number((await db?.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('expires_at', '<', new Date()).executeTakeFirstOrThrow())?.n)
    expect(await expired()).toBeGreaterThan(0)
    await createWebhook(db as Kysely<Database>, { siteId, userId: user?.id ?? '' }, { url: hooks?.url('/engawa') ?? '', events: ['comment.created'] }, new Date())
    const posted = await fetch(`${worker?.url}/api/v1/sites/${siteId}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://blog.example' },
      body: JSON.stringify({ thread: { url: 'https://blog.example/hooked' }, author: { name: 'Aki' }, body: 'tell the hook' }),
    })
    expect(posted.status).toBe(201)
    const unsent = async () => (await db?.selectFrom('outbox_mails').select('id').where('sent_at', 'is', null).execute())?.length ?? 0
    expect(await unsent()).toBeGreaterThan(0) // the sign-up and reset mails of the tests above

    // One step of maintenance failing (the digests' table gone) stops neither the steps after it
    // nor the webhooks and the mail.
    await sql`alter table notify_events rename to notify_events_away`.execute(db as Kysely<Database>)
    try {
      expect((await fetch(`${worker?.url}/__scheduled?cron=${encodeURIComponent('* * * * *')}`)).status).toBe(200)
      await expect.poll(expired, { timeout: 30_000 }).toBe(0)
      await expect.poll(() => hooks?.events().map((e) => e.type), { timeout: 30_000 }).toEqual(['comment.created'])
      expect(hooks?.received[0]?.headers['webhook-signature']).toMatch(/^v1,/)
      await expect.poll(unsent, { timeout: 30_000 }).toBe(0)
    } finally {
      await sql`alter table notify_events_away rename to notify_events`.execute(db as Kysely<Database>)
    }
    const mailed = mailApi?.received.map((r) => JSON.parse(r.body) as { to: string[]; subject: string }) ?? []
    expect(mailApi?.received[0]?.headers.authorization).toBe('Bearer test-key')
    expect(mailed.length).toBeGreaterThanOrEqual(3)
  })
})
